import { signJwt, verifyExternalJwt, verifyJwt } from '../auth/jwt.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { invalidParam } from '../validation/params.ts';
import { validateId } from '../validation/ids.ts';
import { sessionForJwt } from './sessions.ts';
import type { IdentityServices } from './services.ts';

/**
 * User JWTs: this gateway's own (HS256, claims `userId` and `sessionId`) and, when configured, an external
 * identity provider's (RS256/ES256, the user ID in a configured claim). Checking one is pure crypto; the user
 * and session behind it come from the identity cache.
 */

export const DEFAULT_JWT_SECONDS = 900;
const MAX_JWT_SECONDS = 3600;

interface UserJwtClaims {
  userId: string;
  /** Empty when the token is bound to no session (a server-made JWT for a user without sessions). */
  sessionId: string;
}

/** Who a verified token names; `sessionId` null for tokens bound to no session. */
export interface JwtSubject {
  userId: string;
  sessionId: string | null;
}

export const jwtInvalid = () => new AppwriteError('user_jwt_invalid', 'The JWT token is invalid. Please check the token, or generate a new one.');

function validateDuration(duration: number | null | undefined): number {
  const seconds = duration ?? DEFAULT_JWT_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_JWT_SECONDS) throw invalidParam('duration', `Value must be a valid range between 0 and ${MAX_JWT_SECONDS}`);
  return seconds;
}

export function signUserJwt(identity: IdentityServices, subject: JwtSubject, duration?: number | null): string {
  const claims: UserJwtClaims = { userId: subject.userId, sessionId: subject.sessionId ?? '' };
  return signJwt(claims, identity.jwtSecret, { expiresInSeconds: validateDuration(duration), now: identity.now() });
}

/** usersCreateJWT: a token for `userId`, bound to the named session or else to their newest one (Appwrite's rule). */
export async function createJwtForUser(identity: IdentityServices, userId: string, sessionId: string | null | undefined, duration: number | null | undefined): Promise<string> {
  const seconds = validateDuration(duration);
  const user = await identity.prisma.user.findUnique({ where: { id: validateId(userId, 'userId') }, select: { sequence: true } });
  if (!user) throw new AppwriteError('user_not_found', 'User with the requested ID could not be found.');
  return signUserJwt(identity, { userId, sessionId: await sessionForJwt(identity, user.sequence, sessionId) }, seconds);
}

/** The subject of a user JWT; any failure (format, signature, expiry, unknown algorithm) is user_jwt_invalid. */
export function verifyUserJwt(identity: IdentityServices, token: string): JwtSubject {
  const now = identity.now();
  const own = verifyJwt<UserJwtClaims>(token, identity.jwtSecret, { now });
  if (own.ok) {
    const { userId, sessionId } = own.claims;
    if (typeof userId !== 'string' || typeof sessionId !== 'string') throw jwtInvalid();
    return { userId, sessionId: sessionId || null };
  }
  // Not HS256: perhaps the external identity provider's, when one is configured.
  const external = identity.externalJwt;
  if (own.reason !== 'algorithm' || !external) throw jwtInvalid();
  const verified = verifyExternalJwt<Record<string, unknown>>(token, external.keys, { now, issuer: external.issuer, audience: external.audience });
  const userId = verified.ok ? verified.claims[external.userIdClaim] : undefined;
  if (typeof userId !== 'string') throw jwtInvalid();
  return { userId, sessionId: null };
}
