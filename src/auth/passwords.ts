import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { AppwriteError } from '../errors/appwrite-error.ts';

/**
 * Passwords are hashed with scrypt (memory-hard) into a self-describing string,
 * `scrypt$N$r$p$<salt>$<hash>` (salt and hash in base64url), so verification reads the cost from the stored hash
 * and the parameters below can be raised later without invalidating existing passwords.
 */

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

// 32 MiB and about 100 ms per hash (measured on a 2-core machine, Node 20); OWASP's suggested N=2^17 would cost 4x.
// scrypt runs on libuv's thread pool, so it never blocks the event loop, but each hash holds a pool thread.
const CURRENT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Caps for parameters read back from storage: a corrupt row must not make a login allocate gigabytes.
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_PARALLELISM = 16;
const MIN_STORED_BYTES = 16;
const STORED_FORMAT = /^scrypt\$(\d{1,10})\$(\d{1,10})\$(\d{1,10})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

// Appwrite's rule counts bytes (PHP strlen), not characters.
const MIN_PASSWORD_BYTES = 8;
const MAX_PASSWORD_BYTES = 256;

export function validatePassword(password: string): void {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < MIN_PASSWORD_BYTES || bytes > MAX_PASSWORD_BYTES) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`password\` param: Password must be between ${MIN_PASSWORD_BYTES} and ${MAX_PASSWORD_BYTES} characters long.`,
    );
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await deriveKey(password, salt, HASH_BYTES, CURRENT_PARAMS);
  const { N, r, p } = CURRENT_PARAMS;
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Whether `password` matches `stored`; a malformed or unusable stored string never matches (and never throws). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStoredHash(stored);
  if (!parsed) return false;
  let candidate: Buffer;
  try {
    candidate = await deriveKey(password, parsed.salt, parsed.hash.length, parsed.params);
  } catch {
    // Parameters within our caps that OpenSSL still rejects (e.g. N too large for r=1): as unusable as malformed.
    return false;
  }
  return timingSafeEqual(candidate, parsed.hash);
}

function parseStoredHash(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | null {
  const match = STORED_FORMAT.exec(stored);
  if (!match) return null;
  const params = { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  const salt = Buffer.from(match[4]!, 'base64url');
  const hash = Buffer.from(match[5]!, 'base64url');
  // A short (let alone empty) hash would match far too many passwords.
  if (!areAcceptableParams(params) || salt.length < MIN_STORED_BYTES || hash.length < MIN_STORED_BYTES) return null;
  return { params, salt, hash };
}

function areAcceptableParams({ N, r, p }: ScryptParams): boolean {
  const isPowerOfTwo = N >= 2 && Number.isInteger(Math.log2(N));
  return isPowerOfTwo && r >= 1 && p >= 1 && p <= MAX_PARALLELISM && scryptMemoryBytes({ N, r, p }) <= MAX_MEMORY_BYTES;
}

/** What OpenSSL allocates for these parameters, passed as `maxmem`: Node's default (32 MiB) is below N=2^15, r=8. */
function scryptMemoryBytes({ N, r, p }: ScryptParams): number {
  return 128 * r * (N + p + 2);
}

function deriveKey(password: string, salt: Buffer, length: number, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, { ...params, maxmem: scryptMemoryBytes(params) }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}
