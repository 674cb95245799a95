import { createHmac } from 'node:crypto';
import { constantTimeEqual, signJwt, verifyJwt } from '../auth/jwt.ts';

/**
 * The `secret` of a file token as clients see it: an HS256 JWT naming the token and carrying its stored random
 * secret. The JWT proves the server issued it; the stored token decides whether it still opens anything (it
 * may have been deleted, shortened or extended since), so the JWT itself is long-lived.
 *
 * Signed with a key derived from JWT_SECRET for this purpose only: a file token is never a valid user JWT,
 * nor the other way round.
 */

export interface FileTokenClaims {
  tokenId: string;
  secret: string;
}

/** As long as a token may live: its stored `expire` is what ends it. */
const JWT_LIFETIME_SECONDS = 100 * 365 * 24 * 3600;

const CLOCK_SKEW_SECONDS = 300;

export const fileTokenKey = (jwtSecret: string): string => createHmac('sha256', jwtSecret).update('file tokens').digest('base64url');

/** Deterministic for a token: issued "at" its creation time, so every read of the token answers the same JWT. */
export const signFileToken = (key: string, claims: FileTokenClaims, createdAtMs: number): string =>
  signJwt(claims, key, { expiresInSeconds: JWT_LIFETIME_SECONDS, now: createdAtMs });

/** The claims of a well-formed token signed with `key`, else null. */
export function readFileToken(key: string, jwt: string, now: number): FileTokenClaims | null {
  // Leeway for instances whose clocks differ: the JWT is "issued" at the token's creation on another instance.
  const result = verifyJwt<FileTokenClaims>(jwt, key, { now, leewaySeconds: CLOCK_SKEW_SECONDS });
  if (!result.ok) return null;
  const { tokenId, secret } = result.claims;
  return typeof tokenId === 'string' && typeof secret === 'string' ? { tokenId, secret } : null;
}

/** Compares the presented secret with the stored one in constant time. */
export const secretMatches = (presented: string, stored: string): boolean => constantTimeEqual(Buffer.from(presented), Buffer.from(stored));
