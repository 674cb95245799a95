import { requireScope } from '../auth/api-keys.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { createJwtForUser, DEFAULT_JWT_SECONDS, signUserJwt } from '../identity/jwts.ts';
import { createEmailPasswordSession, deleteSession, listSessions, sessionCookieName, type SessionRecord } from '../identity/sessions.ts';
import { createUser, getUser } from '../identity/users.ts';
import type { Builder } from './builder.ts';
import { addListType, authorizeIdentity, newIdDescription, statusOk } from './common.ts';
import type { GatewayContext } from './context.ts';
import type { StatusRef, UserRef } from './refs.ts';

/**
 * The caller's own account (Appwrite's Account service) and user JWTs. A guest signing in gets the session
 * secret in the `X-Appwrite-Session` response header (where Appwrite would set a cookie), never in the body;
 * API-key callers (server-side sign-in) get it in `secret`, as in Appwrite.
 */

export const SESSION_SECRET_HEADER = 'X-Appwrite-Session';
export const FALLBACK_COOKIES_HEADER = 'X-Fallback-Cookies';

// Session fields Appwrite fills from OAuth2, user-agent parsing and GeoIP, none of which this gateway has.
const UNKNOWN_SESSION_FIELDS = [
  'providerAccessToken',
  'providerAccessTokenExpiry',
  'providerRefreshToken',
  'osCode',
  'osName',
  'osVersion',
  'clientType',
  'clientCode',
  'clientName',
  'clientVersion',
  'clientEngine',
  'clientEngineVersion',
  'deviceName',
  'deviceBrand',
  'deviceModel',
  'countryCode',
  'countryName',
  'mfaUpdatedAt',
] as const;

/** The signed-in user behind the request; guests and API keys lack the `account` scope. */
function signedIn(context: GatewayContext) {
  requireScope(context.caller, 'account');
  const { caller } = context;
  if (caller.kind !== 'user') throw new AppwriteError('user_unauthorized', 'The current user is not authorized to perform the requested action.');
  return caller;
}

/** Signs in; the secret goes to an API-key caller in the body, to anyone else in the response header only. */
async function signIn(context: GatewayContext, email: string, password: string): Promise<SessionRecord> {
  const { caller } = context;
  requireScope(caller, 'sessions.write');
  if (caller.kind === 'user') throw new AppwriteError('user_session_already_exists', 'Creation of a session is prohibited when a session is active.');
  const { session, secret } = await createEmailPasswordSession(context.services.identity, email, password);
  if (caller.kind === 'key') return session;
  context.responseHeaders.set(SESSION_SECRET_HEADER, secret);
  // Appwrite's web SDK keeps this in localStorage and sends it back as X-Fallback-Cookies (no cookie is set here).
  context.responseHeaders.set(FALLBACK_COOKIES_HEADER, JSON.stringify({ [sessionCookieName(context.services.config.projectId)]: secret }));
  context.responseHeaders.set('Cache-Control', 'no-store');
  return { ...session, secret: '' };
}

export function addAccountSchema(builder: Builder, { Status, User }: { Status: StatusRef; User: UserRef }) {
  const Session = builder.objectRef<SessionRecord>('Session').implement({
    description: 'A signed-in session of a user.',
    fields: (t) => ({
      _id: t.exposeString('id', { description: 'Session ID.' }),
      _createdAt: t.exposeString('createdAt', { description: 'Session creation date in ISO 8601 format.' }),
      _updatedAt: t.exposeString('updatedAt', { description: 'Session update date in ISO 8601 format.' }),
      userId: t.exposeString('userId', { description: 'User ID.' }),
      expire: t.exposeString('expire', { description: 'Session expiration date in ISO 8601 format: a year after sign-in.' }),
      provider: t.exposeString('provider', { description: 'Session provider: always "email" (email and password).' }),
      providerUid: t.exposeString('providerUid', { description: 'Session provider user ID: the email signed in with.' }),
      ip: t.exposeString('ip', { description: 'IP in use when the session was created (not recorded: empty).' }),
      current: t.exposeBoolean('current', { description: 'True for the session the request is made with.' }),
      factors: t.stringList({ description: 'Factors the session passed: ["password"].', resolve: () => ['password'] }),
      secret: t.exposeString('secret', { description: 'The session secret: only for the API-key caller that created it, else empty (a guest gets it in the X-Appwrite-Session response header).' }),
      ...Object.fromEntries(
        UNKNOWN_SESSION_FIELDS.map((name) => [name, t.string({ description: 'Not tracked by this gateway: always empty.', resolve: () => '' })]),
      ),
    }),
  });

  const SessionList = addListType(builder, 'SessionList', 'sessions', Session);

  const Jwt = builder.objectRef<{ jwt: string }>('Jwt').implement({
    description: 'A user JWT: send it as X-Appwrite-JWT (or Authorization: Bearer) to act as the user until it expires or its session ends.',
    fields: (t) => ({ jwt: t.exposeString('jwt', { description: 'JWT encoded string.' }) }),
  });

  builder.queryFields((t) => ({
    accountGet: t.field({
      type: User,
      description: 'Get the signed-in user (the caller needs a session or a user JWT).',
      resolve: (_, __, context) => getUser(context.services.catalog, signedIn(context).userId),
    }),
    accountListSessions: t.field({
      type: SessionList,
      description: 'List the signed-in user\'s unexpired sessions, oldest first.',
      resolve: async (_, __, context) => {
        const caller = signedIn(context);
        const sessions = await listSessions(context.services.identity, caller.userId, caller.sessionId);
        return { items: sessions, total: async () => sessions.length };
      },
    }),
  }));

  builder.mutationFields((t) => ({
    accountCreate: t.field({
      type: User,
      description: 'Sign up: create a user with an email and password (then sign in with accountCreateEmailPasswordSession).',
      args: {
        userId: t.arg.string({ required: true, description: newIdDescription('User') }),
        email: t.arg.string({ required: true, description: 'User email, unique regardless of case (stored lower-cased).' }),
        password: t.arg.string({ required: true, description: 'Password: 8 to 256 bytes (stored only as a scrypt hash).' }),
        name: t.arg.string({ required: false, description: 'User name, at most 128 chars.' }),
      },
      resolve: (_, args, context) => createUser(authorizeIdentity(context, 'sessions.write'), args),
    }),
    accountCreateEmailPasswordSession: t.field({
      type: Session,
      description: 'Sign in with email and password, creating a session valid for a year. Guests receive the session secret in the X-Appwrite-Session response header; send it back in the X-Appwrite-Session request header. Wrong credentials: user_invalid_credentials; repeated failures for one email are refused for a while (general_rate_limit_exceeded).',
      args: {
        email: t.arg.string({ required: true, description: 'User email.' }),
        password: t.arg.string({ required: true, description: 'The user\'s password.' }),
      },
      resolve: (_, args, context) => signIn(context, args.email, args.password),
    }),
    accountDeleteSession: t.field({
      type: Status,
      description: 'Sign out one session ("current" for the one in use); its secret and its JWTs stop working.',
      args: { sessionId: t.arg.string({ required: true, description: 'Session ID, or "current".' }) },
      resolve: async (_, args, context) => {
        const caller = signedIn(context);
        await deleteSession(context.services.identity, caller.userId, args.sessionId, caller.sessionId);
        return statusOk;
      },
    }),
    accountCreateJWT: t.field({
      type: Jwt,
      description: 'Create a JWT for the signed-in user, bound to the current session: it stops working when that session is deleted. Valid 15 minutes unless `duration` says otherwise.',
      args: { duration: t.arg.int({ required: false, description: `Seconds before the JWT expires: default ${DEFAULT_JWT_SECONDS}, at most 3600.` }) },
      resolve: (_, args, context) => {
        const caller = signedIn(context);
        if (caller.sessionId === null) throw new AppwriteError('user_session_not_found', 'The current user session could not be found.');
        return { jwt: signUserJwt(context.services.identity, caller, args.duration) };
      },
    }),
    usersCreateJWT: t.field({
      type: Jwt,
      description: 'Create a JWT for a user (API key with users.write), for backends acting as them: bound to the named session, or else to their newest one (to none when they have no session).',
      args: {
        userId: t.arg.string({ required: true, description: 'User ID.' }),
        sessionId: t.arg.string({ required: false, description: 'Session ID, or "recent" (the default) for the newest session.' }),
        duration: t.arg.int({ required: false, description: `Seconds before the JWT expires: default ${DEFAULT_JWT_SECONDS}, at most 3600.` }),
      },
      resolve: async (_, args, context) => {
        requireScope(context.caller, 'users.write');
        return { jwt: await createJwtForUser(context.services.identity, args.userId, args.sessionId, args.duration) };
      },
    }),
  }));
}
