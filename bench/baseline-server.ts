import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';

/**
 * The baseline: a bare graphql-yoga server with a one-field schema answering a constant, served with
 * node:http like the gateway. What it reaches on this machine bounds what any Yoga server can.
 * Run as a child process by the benchmark; listens on PORT (0: any free port) and announces its URL.
 */

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }),
});
const server = createServer(yoga);
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;
process.stderr.write(`listening on http://127.0.0.1:${port}${yoga.graphqlEndpoint}\n`);
// Nothing to drain or close: it holds no state.
process.on('SIGTERM', () => process.exit(0));
