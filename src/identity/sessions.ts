import { randomBytes } from 'node:crypto';
import { hashSecret } from '../auth/api-keys.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { formatDatetime, nowIso } from '../validation/datetime.ts';
import { uniqueId } from '../validation/ids.ts';
import type { IdentityServices } from './services.ts';

/**
 * Email/password sessions. A session secret is 256 random bits, handed out once and stored only as its sha256
 * (nothing to brute-force, so a fast hash suffices); requests find their session by that hash.
 */

/** Appwrite's default session length: one year. */
const SESSION_DURATION_MS = 365 * 24 * 60 * 60 * 1000;

/** A session in Appwrite's shape, as the GraphQL `Session` type shows it. */
export interface SessionRecord {
  id: string;
  userId: string;
  provider: string;
  /** For email sessions, the email signed in with. */
  providerUid: string;
  ip: string;
  expire: string;
  createdAt: string;
  updatedAt: string;
  /** Whether it is the session the request authenticates with. */
  current: boolean;
  /** Only for the API-key caller that created it; empty otherwise. */
  secret: string;
}

const SESSION_SELECT = { id: true, provider: true, ip: true, expire: true, createdAt: true, updatedAt: true, user: { select: { id: true, email: true } } } as const;

type SessionRow = { id: string; provider: string; ip: string; expire: string; createdAt: string; updatedAt: string; user: { id: string; email: string | null } };

function toRecord(row: SessionRow, currentSessionId: string | null, secret = ''): SessionRecord {
  const { user, ...session } = row;
  return { ...session, userId: user.id, providerUid: user.email ?? '', current: row.id === currentSessionId, secret };
}

const invalidCredentials = () => new AppwriteError('user_invalid_credentials', 'Invalid credentials. Please check the email and password.');
const sessionNotFound = () => new AppwriteError('user_session_not_found', 'The current user session could not be found.');

let dummyHash: Promise<string> | undefined;
/** A real hash to verify against when the email is unknown, so the answer takes as long as for a wrong password. */
const hashForUnknownEmail = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

/**
 * Signs in with email and password, returning the new session and its secret. Unknown email and wrong password
 * fail alike (same error, same scrypt work); failures per email are limited (general_rate_limit_exceeded).
 */
export async function createEmailPasswordSession(identity: IdentityServices, email: string, password: string): Promise<{ session: SessionRecord; secret: string }> {
  const attemptKey = `session:${email.toLowerCase()}`;
  if ((await identity.loginFailures.count(attemptKey)) >= identity.loginLimit.maxFailures) {
    throw new AppwriteError('general_rate_limit_exceeded', 'Rate limit for the current endpoint has been exceeded. Please try again after some time.');
  }
  const user = await identity.prisma.user.findUnique({ where: { email: email.toLowerCase() }, select: { sequence: true, status: true, passwordHash: true } });
  const matches = await verifyPassword(password, user?.passwordHash ?? (await hashForUnknownEmail()));
  if (!user || !matches) {
    await identity.loginFailures.record(attemptKey);
    throw invalidCredentials();
  }
  if (!user.status) throw new AppwriteError('user_blocked', 'The current user has been blocked.');
  const secret = randomBytes(32).toString('base64url');
  const now = identity.now();
  const at = formatDatetime(new Date(now));
  const row = await identity.prisma.session.create({
    data: { id: uniqueId(), userSequence: user.sequence, secretHash: hashSecret(secret), provider: 'email', expire: formatDatetime(new Date(now + SESSION_DURATION_MS)), createdAt: at, updatedAt: at },
    select: SESSION_SELECT,
  });
  return { session: toRecord(row, null, secret), secret };
}

/** The user's unexpired sessions, oldest first. */
export async function listSessions(identity: IdentityServices, userId: string, currentSessionId: string | null): Promise<SessionRecord[]> {
  const rows = await identity.prisma.session.findMany({
    where: { user: { id: userId }, expire: { gt: nowIso(identity.now) } },
    orderBy: { sequence: 'asc' },
    select: SESSION_SELECT,
  });
  return rows.map((row) => toRecord(row, currentSessionId));
}

/** Deletes one of the user's sessions (`current`: the one in use); its secret and JWTs stop working at once. */
export async function deleteSession(identity: IdentityServices, userId: string, sessionId: string, currentSessionId: string | null): Promise<void> {
  const id = sessionId === 'current' ? currentSessionId : sessionId;
  if (id === null) throw sessionNotFound();
  const session = await identity.prisma.session.findFirst({ where: { id, user: { id: userId } }, select: { sequence: true, id: true, secretHash: true } });
  if (!session) throw sessionNotFound();
  await identity.prisma.session.delete({ where: { sequence: session.sequence } });
  await identity.cache.invalidateSession(session);
}

/** The user's session a server-made JWT binds to: the one named, or (`recent`/none) the newest, or none at all. */
export async function sessionForJwt(identity: IdentityServices, userSequence: number, sessionId: string | null | undefined): Promise<string | null> {
  if (sessionId && sessionId !== 'recent') {
    const named = await identity.prisma.session.findFirst({ where: { id: sessionId, userSequence }, select: { id: true } });
    if (!named) throw sessionNotFound();
    return named.id;
  }
  const newest = await identity.prisma.session.findFirst({ where: { userSequence, expire: { gt: nowIso(identity.now) } }, orderBy: { sequence: 'desc' }, select: { id: true } });
  return newest?.id ?? null;
}

/** The cookie name under which Appwrite (and its web SDK's localStorage fallback) keeps a project's session secret. */
export const sessionCookieName = (projectId: string): string => `a_session_${projectId}`;
