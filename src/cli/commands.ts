import { API_KEY_SCOPES } from '../auth/caller.ts';
import { groupUsage, type Command, type CommandGroup } from './command.ts';

/**
 * Every `gateway` command with its help. Implementations load on use: `gateway --help` should not pay for the
 * schema, Prisma and the HTTP stack.
 */

/** Appwrite's limit on an API key's name. */
export const MAX_KEY_NAME_LENGTH = 128;

const serve: Command = {
  summary: 'Apply pending migrations and serve the gateway over HTTP',
  usage: `Usage: gateway serve

Applies pending migrations, then serves GraphQL on http://HOST:PORT/v1/graphql (configuration: environment
variables, see the README). Health: /v1/health, /v1/health/live, /v1/health/ready.

On SIGTERM or SIGINT it drains: /v1/health/ready answers 503, no new connection is accepted, in-flight requests
finish, then it exits 0. Connections still open after SHUTDOWN_TIMEOUT_MS (default 10000) are destroyed and it
exits 1; a second signal exits 1 at once.
`,
  run: async (args) => (await import('./serve.ts')).serve(args),
};

const migrate: Command = {
  summary: 'Apply pending database migrations and exit',
  usage: `Usage: gateway migrate

Applies the pending migrations to the database DATABASE_URL names, then exits (\`gateway serve\` does it too).
`,
  run: async (args) => (await import('./migrate.ts')).migrate(args),
};

const schema: Command = {
  summary: 'Write schema.graphql (or --check that it is current)',
  usage: `Usage: gateway schema [--out <path>] [--check]

Writes the GraphQL schema (SDL) the code builds, for clients to generate code from.

Options:
  --out <path>  Where to write it (default: schema.graphql at the repository root)
  --check       Write nothing; exit 1 when the file is missing or differs from the code
`,
  run: async (args) => (await import('./schema.ts')).schema(args),
};

const keySubcommands: Record<string, Command> = {
  create: {
    summary: 'Create an API key and print its secret (once)',
    usage: `Usage: gateway keys create --name <name> --scopes <scope,scope,...> [--expire <ISO 8601 date>]

Creates an API key and prints its ID and secret on stdout. The secret is shown only now (the database keeps
its sha256 hash); send it as X-Appwrite-Key.

Options:
  --name <name>      What the key is for (1-${MAX_KEY_NAME_LENGTH} characters)
  --scopes <list>    Comma-separated scopes (see below)
  --expire <date>    When the key stops working, e.g. 2030-01-31 or 2030-01-31T12:00:00Z (default: never)

Scopes:
${API_KEY_SCOPES.join(' ').replace(/(.{1,100})(?: |$)/g, '  $1\n')}`,
    run: async (args) => (await import('./keys.ts')).createKey(args),
  },
  list: {
    summary: 'List the API keys (never their secrets)',
    usage: `Usage: gateway keys list

Lists the API keys: ID, name, scopes, expiry, creation time (never their secrets).
`,
    run: async (args) => (await import('./keys.ts')).listKeys(args),
  },
  revoke: {
    summary: 'Revoke (delete) an API key by its ID',
    usage: `Usage: gateway keys revoke <id>

Deletes the API key with this ID (see \`gateway keys list\`). A running server that resolved the key in the last
5 seconds may still accept it until its lookup cache entry expires.
`,
    run: async (args) => (await import('./keys.ts')).revokeKey(args),
  },
};

const keys: CommandGroup = {
  summary: 'Create, list and revoke API keys',
  usage: groupUsage('Usage: gateway keys <command> [options]', keySubcommands, 'Run `gateway keys <command> --help` for its options.'),
  subcommands: keySubcommands,
};

const subcommands = { serve, migrate, schema, keys };

export const GATEWAY: CommandGroup = {
  summary: 'Appwrite-compatible GraphQL gateway',
  usage: groupUsage(
    'Usage: gateway <command> [options]',
    subcommands,
    'Run `gateway <command> --help` for its options. Configuration comes from environment variables\n(DATABASE_URL, HOST, PORT, ...; see the README).',
  ),
  subcommands,
};
