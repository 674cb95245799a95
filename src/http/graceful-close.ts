import type { Server } from 'node:http';

/**
 * Prepares `server` for a graceful close and answers the function that performs it: stop accepting
 * connections, let in-flight requests finish, and close every keep-alive connection as soon as it is idle
 * (node:http alone keeps one open until its keepAliveTimeout after its last response). Resolves once every
 * connection is closed. Call it before the server listens, so every request is seen.
 */
export function gracefulClose(server: Server): () => Promise<void> {
  let closing = false;
  // Before the request handler runs, which may answer synchronously.
  server.prependListener('request', (_req, res) => {
    if (closing) res.setHeader('connection', 'close');
    res.once('finish', () => {
      if (closing) server.closeIdleConnections();
    });
  });
  return () => {
    closing = true;
    const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    server.closeIdleConnections();
    return closed;
  };
}
