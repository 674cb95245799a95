import { describe, expect, it } from 'vitest';
import { signJwt } from '../../src/auth/jwt.ts';
import { fileTokenKey, readFileToken, secretMatches, signFileToken } from '../../src/tokens/token-jwt.ts';
import { TEST_JWT_SECRET } from '../support/gateway.ts';

const key = fileTokenKey(TEST_JWT_SECRET);
const claims = { tokenId: 't1', secret: 's'.repeat(128) };
const created = Date.parse('2026-01-01T00:00:00Z');

describe('file token JWTs', () => {
  it('are the same for a token every time, and read back to its claims', () => {
    const jwt = signFileToken(key, claims, created);
    expect(signFileToken(key, claims, created)).toBe(jwt);
    expect(readFileToken(key, jwt, created + 5 * 365 * 24 * 3600_000)).toEqual(claims);
  });

  it('use a key of their own: not the user-JWT secret, and user JWTs are not file tokens', () => {
    expect(key).not.toBe(TEST_JWT_SECRET);
    expect(readFileToken(key, signJwt(claims, TEST_JWT_SECRET, { expiresInSeconds: 60, now: created }), created)).toBeNull();
    expect(readFileToken(TEST_JWT_SECRET, signFileToken(key, claims, created), created)).toBeNull();
  });

  it('refuse tampering and malformed tokens', () => {
    const [header, , signature] = signFileToken(key, claims, created).split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, tokenId: 't2', iat: 0, exp: 9e9 })).toString('base64url');
    expect(readFileToken(key, `${header}.${forgedPayload}.${signature}`, created)).toBeNull();
    for (const jwt of ['', 'a.b.c', 'not a jwt']) expect(readFileToken(key, jwt, created)).toBeNull();
    expect(readFileToken(key, signJwt({ tokenId: 1, secret: 2 }, key, { expiresInSeconds: 60, now: created }), created)).toBeNull();
  });

  it('compare secrets exactly', () => {
    expect(secretMatches('abc', 'abc')).toBe(true);
    expect(secretMatches('abc', 'abd')).toBe(false);
    expect(secretMatches('abc', 'abcd')).toBe(false);
  });
});
