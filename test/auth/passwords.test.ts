import { randomBytes, scryptSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppwriteError } from '../../src/errors/appwrite-error.ts';
import { hashPassword, validatePassword, verifyPassword } from '../../src/auth/passwords.ts';

const PASSWORD = 'correct horse battery staple';

/** A stored string made outside the module, with parameters of the test's choosing. */
function storedWith(password: string, { N, r, p, hashBytes = 32 }: { N: number; r: number; p: number; hashBytes?: number }): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, hashBytes, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Replaces segment `index` of a stored string. */
function withSegment(stored: string, index: number, value: string): string {
  const segments = stored.split('$');
  segments[index] = value;
  return segments.join('$');
}

/** The same base64url text with its first character changed (the first always carries 6 whole bits). */
function flipFirstChar(text: string): string {
  return (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
}

describe('validatePassword (Appwrite: 8 to 256 bytes)', () => {
  it.each([
    ['8 characters', 'a'.repeat(8)],
    ['256 characters', 'a'.repeat(256)],
    ['4 two-byte characters (8 bytes)', 'é'.repeat(4)],
  ])('accepts %s', (_, password) => {
    expect(() => validatePassword(password)).not.toThrow();
  });

  it.each([
    ['empty', ''],
    ['7 characters', 'a'.repeat(7)],
    ['257 characters', 'a'.repeat(257)],
    ['129 two-byte characters (258 bytes)', 'é'.repeat(129)],
  ])('rejects %s with general_argument_invalid', (_, password) => {
    let error: unknown;
    try {
      validatePassword(password);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(AppwriteError);
    expect((error as AppwriteError).type).toBe('general_argument_invalid');
    expect((error as AppwriteError).message).toBe(
      'Invalid `password` param: Password must be between 8 and 256 characters long.',
    );
  });
});

describe('hashPassword / verifyPassword', () => {
  let stored: string;
  beforeAll(async () => {
    stored = await hashPassword(PASSWORD);
  });

  it('produces a self-describing scrypt string with a 16-byte salt and a 32-byte hash', () => {
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it('salts every hash', async () => {
    expect(await hashPassword(PASSWORD)).not.toBe(stored);
  });

  it('verifies the right password', async () => {
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
  });

  it('rejects a wrong password, including a prefix or a case change', async () => {
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword(PASSWORD.toUpperCase(), stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('round-trips a non-ASCII password', async () => {
    const password = 'pässwörd 🔑 密码';
    const hashed = await hashPassword(password);
    expect(await verifyPassword(password, hashed)).toBe(true);
    expect(await verifyPassword(password.normalize('NFD'), hashed)).toBe(false);
  });

  it('hashes off the event loop', async () => {
    let loopTurned = false;
    setImmediate(() => (loopTurned = true));
    await hashPassword(PASSWORD);
    expect(loopTurned).toBe(true);
  });

  it('rejects a tampered hash, salt or cost', async () => {
    expect(await verifyPassword(PASSWORD, withSegment(stored, 5, flipFirstChar(stored.split('$')[5]!)))).toBe(false);
    expect(await verifyPassword(PASSWORD, withSegment(stored, 4, flipFirstChar(stored.split('$')[4]!)))).toBe(false);
    expect(await verifyPassword(PASSWORD, withSegment(stored, 1, '16384'))).toBe(false);
    expect(await verifyPassword(PASSWORD, withSegment(stored, 2, '4'))).toBe(false);
  });
});

describe('verifyPassword reads the parameters from the stored string', () => {
  it.each([
    { N: 1024, r: 8, p: 1 },
    { N: 2048, r: 4, p: 2 },
    { N: 16, r: 1, p: 16 },
  ])('verifies a hash made with N=$N r=$r p=$p', async (params) => {
    const stored = storedWith(PASSWORD, params);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword('wrong password', stored)).toBe(false);
  });

  it('takes the key length from the stored hash', async () => {
    expect(await verifyPassword(PASSWORD, storedWith(PASSWORD, { N: 1024, r: 8, p: 1, hashBytes: 64 }))).toBe(true);
  });
});

describe('verifyPassword on malformed stored strings: false, never a throw', () => {
  const valid = storedWith(PASSWORD, { N: 1024, r: 8, p: 1 });
  const [, , , , salt, hash] = valid.split('$') as [string, string, string, string, string, string];

  it.each([
    ['empty', ''],
    ['another scheme', valid.replace(/^scrypt/, 'bcrypt')],
    ['a missing segment', valid.split('$').slice(0, 5).join('$')],
    ['an extra segment', `${valid}$extra`],
    ['surrounding whitespace', ` ${valid}`],
    ['a non-numeric N', withSegment(valid, 1, 'abc')],
    ['N not a power of two', withSegment(valid, 1, '1000')],
    ['N = 1', withSegment(valid, 1, '1')],
    ['r = 0', withSegment(valid, 2, '0')],
    ['p = 0', withSegment(valid, 3, '0')],
    ['p above 16', withSegment(valid, 3, '17')],
    ['a memory cost above 256 MiB (N = 2^30)', withSegment(valid, 1, String(2 ** 30))],
    ['parameters OpenSSL refuses (N = 2^16 with r = 1)', ['scrypt', 2 ** 16, 1, 1, salt, hash].join('$')],
    ['an empty hash', withSegment(valid, 5, '')],
    ['a hash shorter than 16 bytes', withSegment(valid, 5, hash.slice(0, 20))],
    ['a salt shorter than 16 bytes', withSegment(valid, 4, salt.slice(0, 20))],
    ['characters outside base64url', withSegment(valid, 5, `${hash.slice(0, -1)}!`)],
    ['standard base64 padding', withSegment(valid, 5, `${hash}=`)],
  ])('%s', async (_, stored) => {
    await expect(verifyPassword(PASSWORD, stored)).resolves.toBe(false);
  });
});
