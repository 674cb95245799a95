import { hashSecret, type ApiKeyStore } from '../auth/api-keys.ts';
import { guestCaller, USER_SCOPES, type Caller } from '../auth/caller.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { jwtInvalid, verifyUserJwt } from '../identity/jwts.ts';
import { sessionCookieName } from '../identity/sessions.ts';
import type { IdentityServices } from '../identity/services.ts';

/**
 * Reads who is calling from Appwrite's headers. `X-Appwrite-Project`, when sent, must name this gateway's
 * project (empty counts as not sent: the SDKs send it even without setProject). Then, in order: an API key
 * (`X-Appwrite-Key`), a user JWT (`X-Appwrite-JWT` or `Authorization: Bearer`), a session secret
 * (`X-Appwrite-Session`, or the web SDK's `X-Fallback-Cookies`), else a guest.
 */
export async function resolveCaller(headers: Headers, apiKeys: ApiKeyStore, identity: IdentityServices, projectId: string): Promise<Caller> {
  const project = headers.get('x-appwrite-project');
  if (project && project !== projectId) {
    throw new AppwriteError('general_access_forbidden', `Project "${project}" is not served here: this gateway serves project "${projectId}".`);
  }
  const key = headers.get('x-appwrite-key');
  const jwt = headers.get('x-appwrite-jwt') || bearerToken(headers);
  const sessionSecret = headers.get('x-appwrite-session') || fallbackSessionSecret(headers, projectId);
  if (key) {
    if (jwt || sessionSecret) throw new AppwriteError('user_api_key_and_session_set', 'API key and session used in the same request. Use either `setSession` or `setKey`.');
    return apiKeys.resolve(key);
  }
  if (jwt) {
    if (sessionSecret) throw new AppwriteError('user_jwt_and_cookie_set', 'User session and JWT used in the same request. Use either `setSession` or `setJWT`.');
    return jwtCaller(identity, jwt);
  }
  if (sessionSecret) return sessionCaller(identity, sessionSecret);
  return guestCaller();
}

/**
 * The session secret the web SDK sends back in `X-Fallback-Cookies` (JSON of cookie name → value, which it
 * keeps in localStorage when the server gives no cookie); null when absent or malformed.
 */
function fallbackSessionSecret(headers: Headers, projectId: string): string | null {
  const raw = headers.get('x-fallback-cookies');
  if (!raw) return null;
  try {
    const secret = (JSON.parse(raw) as Record<string, unknown> | null)?.[sessionCookieName(projectId)];
    return typeof secret === 'string' && secret ? secret : null;
  } catch {
    return null;
  }
}

/** The token of `Authorization: Bearer <token>`; null without one. */
export function bearerToken(headers: Headers): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  return match?.[1] ?? null;
}

/** A JWT's user; a deleted user or session, like a bad token, is user_jwt_invalid. */
async function jwtCaller(identity: IdentityServices, token: string): Promise<Caller> {
  const subject = verifyUserJwt(identity, token);
  if (subject.sessionId !== null && !(await liveSession(identity, subject.sessionId, subject.userId))) throw jwtInvalid();
  const caller = await userCaller(identity, subject.userId, subject.sessionId);
  if (!caller) throw jwtInvalid();
  return caller;
}

/**
 * A session secret's user. An unknown or expired secret makes a guest, as Appwrite treats a stale session
 * cookie: the request goes on with guest rights, and account operations answer general_unauthorized_scope.
 */
async function sessionCaller(identity: IdentityServices, secret: string): Promise<Caller> {
  const session = await identity.cache.sessionBySecretHash(hashSecret(secret));
  if (!session || session.expiresAt <= identity.now()) return guestCaller();
  return (await userCaller(identity, session.userId, session.id)) ?? guestCaller();
}

async function liveSession(identity: IdentityServices, sessionId: string, userId: string): Promise<boolean> {
  const session = await identity.cache.sessionById(sessionId);
  return session !== null && session.userId === userId && session.expiresAt > identity.now();
}

/** The signed-in caller with the roles of their identity; null when the user no longer exists. Blocked users authenticate nowhere. */
async function userCaller(identity: IdentityServices, userId: string, sessionId: string | null): Promise<Caller | null> {
  const loaded = await identity.cache.user(userId);
  if (!loaded) return null;
  if (loaded.blocked) throw new AppwriteError('user_blocked', 'The current user has been blocked.');
  return { kind: 'user', userId, sessionId, roles: loaded.roles, scopes: USER_SCOPES };
}
