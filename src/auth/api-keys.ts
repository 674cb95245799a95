import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ChangeChannel } from '../db/change-channel.ts';
import type { PrismaClient } from '../generated/sqlite/client.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { API_KEY_SCOPES, type Caller } from './caller.ts';

/**
 * API keys: secrets are shown once at creation and stored only as sha256 hashes (a generated key is 256 random
 * bits, so a fast hash is enough: there is nothing to brute-force). Lookups go by hash, so no secret is ever
 * compared character by character; the root key (operator-chosen, never stored) is compared in constant time.
 */

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const ROOT_KEY_ID = 'root';
const ROOT_CALLER: Caller = { kind: 'key', keyId: ROOT_KEY_ID, name: 'root', scopes: new Set(API_KEY_SCOPES) };
/** Revocations are heard through the change channel; the TTL only bounds staleness should a notice be lost unnoticed. */
const LOOKUP_TTL_MS = 60_000;
const LOOKUP_CACHE_SIZE = 1_000;

/** Scopes of `scopes` that are not API key scopes. */
export const unknownScopes = (scopes: readonly string[]): string[] => scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));

/** A stored key as operators see it: never its secret or hash. */
export interface ApiKeySummary {
  id: string;
  name: string;
  scopes: string[];
  expire: string | null;
  createdAt: string;
}

export interface ApiKeyStoreOptions {
  rootApiKey: string | null;
  /** Tells other processes of revocations and hears theirs; without one, only this process's revocations count. */
  channel?: ChangeChannel;
  now?: () => number;
}

interface CachedLookup {
  caller: Caller | null;
  expires: number;
  keyExpire: number | null;
}

export class ApiKeyStore {
  private readonly rootHash: Buffer | null;
  private readonly now: () => number;
  private readonly channel: ChangeChannel | undefined;
  /** Recently resolved keys by secret hash, so a key does not cost a query per request. */
  private readonly recent = new Map<string, CachedLookup>();
  /** Bumped by every revocation heard, so a lookup that raced with one is answered but not kept. */
  private generation = 0;

  constructor(
    private readonly prisma: PrismaClient,
    options: ApiKeyStoreOptions,
  ) {
    this.rootHash = options.rootApiKey ? Buffer.from(hashSecret(options.rootApiKey), 'hex') : null;
    this.now = options.now ?? Date.now;
    this.channel = options.channel;
    this.channel?.subscribe('keys', { notice: (keyId) => this.forget(keyId), lost: () => this.forget(null) });
  }

  async create(name: string, scopes: readonly string[], expire: string | null = null): Promise<{ id: string; secret: string }> {
    const unknown = unknownScopes(scopes);
    if (unknown.length) throw new AppwriteError('general_argument_invalid', `Invalid \`scopes\` param: unknown scope ${unknown.join(', ')}`);
    const secret = `standard_${randomBytes(32).toString('hex')}`;
    const id = randomBytes(10).toString('hex');
    const at = new Date(this.now()).toISOString();
    await this.prisma.apiKey.create({
      data: { id, name, scopes: JSON.stringify([...new Set(scopes)]), secretHash: hashSecret(secret), expire, createdAt: at, updatedAt: at },
    });
    return { id, secret };
  }

  /** Every stored key, oldest first. */
  async list(): Promise<ApiKeySummary[]> {
    const rows = await this.prisma.apiKey.findMany({ orderBy: { sequence: 'asc' } });
    return rows.map((row) => ({ id: row.id, name: row.name, scopes: JSON.parse(row.scopes) as string[], expire: row.expire, createdAt: row.createdAt }));
  }

  /**
   * Deletes the key; answers false when no key has this ID. This process refuses it at once; others when the
   * notice, sent once the deletion committed, reaches them.
   */
  async revoke(id: string): Promise<boolean> {
    const { count } = await this.prisma.apiKey.deleteMany({ where: { id } });
    if (count === 0) return false;
    this.forget(id);
    await this.channel?.publish('keys', id);
    return true;
  }

  /** The caller behind an `X-Appwrite-Key` header value; throws for an unknown or expired key. */
  async resolve(secret: string): Promise<Caller> {
    const hash = hashSecret(secret);
    const hashBytes = Buffer.from(hash, 'hex');
    if (this.rootHash && timingSafeEqual(hashBytes, this.rootHash)) return ROOT_CALLER;
    const now = this.now();
    let entry = this.recent.get(hash);
    if (!entry || entry.expires <= now) {
      const generation = this.generation;
      entry = await this.lookup(hash, now);
      if (generation === this.generation) this.remember(hash, entry);
    }
    if (!entry.caller || (entry.keyExpire !== null && entry.keyExpire <= now)) {
      throw new AppwriteError('user_unauthorized', 'Invalid or expired API key.');
    }
    return entry.caller;
  }

  private remember(hash: string, entry: CachedLookup): void {
    this.recent.delete(hash);
    if (this.recent.size >= LOOKUP_CACHE_SIZE) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(hash, entry);
  }

  /** Drops the key with this ID from the cache, or every key (null: revocations may have been missed). */
  private forget(keyId: string | null): void {
    this.generation++;
    if (keyId === null) return this.recent.clear();
    for (const [hash, { caller }] of this.recent) if (caller?.kind === 'key' && caller.keyId === keyId) this.recent.delete(hash);
  }

  private async lookup(hash: string, now: number): Promise<CachedLookup> {
    const row = await this.prisma.apiKey.findUnique({ where: { secretHash: hash } });
    const caller: Caller | null = row
      ? { kind: 'key', keyId: row.id, name: row.name, scopes: new Set(JSON.parse(row.scopes) as string[]) }
      : null;
    return { caller, expires: now + LOOKUP_TTL_MS, keyExpire: row?.expire ? Date.parse(row.expire) : null };
  }
}

export function requireScope(caller: Caller, scope: string): void {
  if (caller.scopes.has(scope)) return;
  const who = caller.kind === 'key' ? `app.${caller.keyId} (role: applications)` : `User (role: ${caller.kind === 'user' ? 'users' : 'guests'})`;
  throw new AppwriteError('general_unauthorized_scope', `${who} missing scope (${scope})`);
}
