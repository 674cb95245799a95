import { once } from 'node:events';
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * The file-download baseline: a bare node:http server streaming `/files/<name>` from FILES_DIR with
 * Content-Length, as little as serving a file from disk takes. Run as a child process by the benchmark; listens
 * on PORT (0: any free port) and announces its URL.
 */

const directory = process.env['FILES_DIR'];
if (!directory) throw new Error('FILES_DIR is required');

const server = createServer((req, res) => {
  const name = /^\/files\/([\w.-]+)$/.exec(req.url ?? '')?.[1];
  if (!name) {
    res.writeHead(404).end();
    return;
  }
  const path = join(directory, name);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(path).size });
  void pipeline(createReadStream(path), res).catch(() => res.destroy());
});
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;
process.stderr.write(`listening on http://127.0.0.1:${port}/files\n`);
process.on('SIGTERM', () => process.exit(0));
