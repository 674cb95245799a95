import { ApiKeyStore, unknownScopes } from '../auth/api-keys.ts';
import { loadConfig } from '../config.ts';
import { parseCommandLine, UsageError } from './command.ts';
import { MAX_KEY_NAME_LENGTH } from './commands.ts';
import { openMigratedDatabase } from './database.ts';

/** A date, optionally with a time and an offset: what `--expire` takes. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** The API keys of DATABASE_URL (migrated first, like serve does), for the length of `use`. */
async function withApiKeyStore<T>(use: (keys: ApiKeyStore) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { db } = await openMigratedDatabase(config, (line) => process.stderr.write(`${line}\n`));
  try {
    return await use(new ApiKeyStore(db.prisma, { rootApiKey: config.rootApiKey, channel: db.changes }));
  } finally {
    await db.close();
  }
}

function keyName(raw: string | undefined): string {
  if (raw === undefined) throw new UsageError('--name is required');
  const name = raw.trim();
  if (!name || name.length > MAX_KEY_NAME_LENGTH) throw new UsageError(`--name must be 1 to ${MAX_KEY_NAME_LENGTH} characters long`);
  return name;
}

function keyScopes(raw: string | undefined): string[] {
  if (raw === undefined) throw new UsageError('--scopes is required');
  const scopes = raw.split(',').map((scope) => scope.trim()).filter(Boolean);
  if (!scopes.length) throw new UsageError('--scopes must name at least one scope');
  const unknown = unknownScopes(scopes);
  if (unknown.length) throw new UsageError(`Unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  return scopes;
}

/** `--expire` as the ISO timestamp the store keeps; it must lie in the future. */
function keyExpiry(raw: string | undefined, now: number): string | null {
  if (raw === undefined) return null;
  const at = ISO_8601.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(at)) throw new UsageError(`--expire must be an ISO 8601 date such as 2030-01-31 or 2030-01-31T12:00:00Z, got ${JSON.stringify(raw)}`);
  if (at <= now) throw new UsageError(`--expire must be in the future, got ${raw}`);
  return new Date(at).toISOString();
}

/** `gateway keys create --name <n> --scopes a,b [--expire <date>]`: prints the new key's ID and secret. */
export async function createKey(args: string[]): Promise<number> {
  const { values } = parseCommandLine({ args, options: { name: { type: 'string' }, scopes: { type: 'string' }, expire: { type: 'string' } } });
  const name = keyName(values.name);
  const scopes = keyScopes(values.scopes);
  const expire = keyExpiry(values.expire, Date.now());
  const { id, secret } = await withApiKeyStore((keys) => keys.create(name, scopes, expire));
  process.stdout.write(`id: ${id}\nsecret: ${secret}\n`);
  process.stderr.write('The secret is shown only now: store it safely and send it as X-Appwrite-Key.\n');
  return 0;
}

/** `gateway keys list`: one line per key, never a secret. */
export async function listKeys(args: string[]): Promise<number> {
  parseCommandLine({ args });
  const keys = await withApiKeyStore((store) => store.list());
  const rows = [['ID', 'NAME', 'SCOPES', 'EXPIRE', 'CREATED'], ...keys.map((key) => [key.id, key.name, key.scopes.join(','), key.expire ?? 'never', key.createdAt])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  process.stdout.write(rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n');
  return 0;
}

/** `gateway keys revoke <id>`: exit code 1 when no key has the ID. */
export async function revokeKey(args: string[]): Promise<number> {
  const { positionals } = parseCommandLine({ args, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'Give one key ID' : 'The key ID is missing');
  const id = positionals[0]!;
  if (!(await withApiKeyStore((keys) => keys.revoke(id)))) {
    process.stderr.write(`No API key has the ID "${id}" (see \`gateway keys list\`)\n`);
    return 1;
  }
  process.stdout.write(`revoked ${id}\n`);
  return 0;
}
