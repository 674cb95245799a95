import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Prepares `server` for a graceful close and answers the function that performs it: stop accepting
 * connections, let in-flight requests finish, and close every keep-alive connection once its last response is
 * out (node:http alone keeps it open until keepAliveTimeout). Responses begun during the close say
 * `Connection: close`. Resolves once every connection is closed. Call it before the server listens, so every
 * request is seen.
 */
export function gracefulClose(server: Server): () => Promise<void> {
  let closing = false;
  // Responses not yet closed, per connection: a pipelined request may be queued behind the one that finishes.
  const open = new Map<Socket, number>();
  // Before the request handler, which may answer synchronously.
  server.prependListener('request', (req, res) => {
    const socket = req.socket;
    open.set(socket, (open.get(socket) ?? 0) + 1);
    if (closing) res.setHeader('connection', 'close');
    res.once('close', () => {
      const left = open.get(socket)! - 1;
      if (left) open.set(socket, left);
      else open.delete(socket);
      // Only connections between requests: one still receiving a request's head is left to finish it.
      if (closing && !left) server.closeIdleConnections();
    });
  });
  return () => {
    closing = true;
    const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    server.closeIdleConnections();
    return closed;
  };
}
