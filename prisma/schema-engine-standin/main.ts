// The command line the Prisma CLI uses for its native schema engine:
//   --version | [--datamodels <file>]… [--datasource <json>] (cli <subcommand> | JSON-RPC on stdio)
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadSchemaEngine } from '../../src/db/migrations/engine.ts';
import { canConnectToDatabase, createDatabase, type Datasource } from './database.ts';
import { reportFailure } from './errors.ts';
import { serveJsonRpc } from './rpc.ts';

const { values, positionals } = parseArgs({
  options: {
    version: { type: 'boolean', short: 'V' },
    datamodels: { type: 'string', short: 'd', multiple: true },
    datasource: { type: 'string' },
    // Accepted for compatibility; neither matters to the SQLite and PostgreSQL engines used here.
    'enabled-preview-features': { type: 'string' },
    'extension-types': { type: 'string' },
  },
  allowPositionals: true,
});

try {
  if (values.version) {
    console.log(`schema-engine-cli ${(await loadSchemaEngine()).version()}`);
  } else if (positionals[0] === 'cli') {
    await runCliCommand(positionals[1]);
  } else {
    const schemaFiles = await Promise.all((values.datamodels ?? []).map(async (path) => ({ path, content: await readFile(path, 'utf8') })));
    await serveJsonRpc({ datasource: datasource(), schemaFiles });
  }
  // The CLI waits for this process to end: do not let a connection a driver keeps open delay it.
  process.exit(0);
} catch (error) {
  reportFailure(error);
  process.exit(1);
}

async function runCliCommand(command: string | undefined): Promise<void> {
  switch (command) {
    case 'can-connect-to-database':
      return canConnectToDatabase(requireUrl());
    case 'create-database':
      await createDatabase(requireUrl());
      return;
    default:
      throw new Error(`Unsupported command: cli ${command ?? ''}`);
  }
}

function datasource(): Datasource | undefined {
  return values.datasource === undefined ? undefined : (JSON.parse(values.datasource) as Datasource);
}

function requireUrl(): string {
  const url = datasource()?.url;
  if (!url) throw new Error('No datasource URL: set `datasource.url` in .config/prisma.ts');
  return url;
}
