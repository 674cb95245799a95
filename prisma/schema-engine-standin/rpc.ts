// The CLI's conversation with its schema engine: line-delimited JSON-RPC 2.0 on stdin/stdout, logs on stderr.
import { createInterface } from 'node:readline';
import { providerOf } from '../../src/config.ts';
import { openSchemaEngine, type SchemaFile } from '../../src/db/migrations/session.ts';
import type { Datasource } from './database.ts';
import { jsonRpcError } from './errors.ts';
import { engineMethods } from './methods.ts';

interface Message {
  id: number | string;
  method?: string;
  params?: unknown;
}

/** Answers requests one at a time (the engine refuses overlapping calls) until the CLI closes stdin. */
export async function serveJsonRpc(options: { datasource: Datasource | undefined; schemaFiles: SchemaFile[] }): Promise<void> {
  const url = options.datasource?.url;
  if (!url) throw new Error('No datasource URL: set `datasource.url` in .config/prisma.ts');
  const { engine, close } = await openSchemaEngine({
    provider: providerOf(url),
    url,
    schemaFiles: options.schemaFiles,
    onLog: (record) => process.stderr.write(`${JSON.stringify(record)}\n`),
  });
  const send = (message: object) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  let printRequests = 0;
  const methods = engineMethods(engine, url, (content) => send({ id: `print-${++printRequests}`, method: 'print', params: { content } }));

  // The CLI ends stdin and kills this process at once: close now (SQLite closes synchronously) before exiting.
  process.once('SIGTERM', () => void close().finally(() => process.exit(0)));
  try {
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const { id, method, params } = JSON.parse(line) as Message;
      if (method === undefined) continue; // the CLI acknowledging a `print`
      try {
        const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
        if (!handler) throw new Error(`The schema engine stand-in does not support ${method}`);
        send({ id, result: await handler(params) });
      } catch (error) {
        send({ id, error: jsonRpcError(error) });
      }
    }
  } finally {
    await close();
  }
}
