/**
 * Who is calling. API-key callers act within their scopes and bypass document permissions; everyone else is
 * checked against permissions with their roles (see src/permissions/roles.ts).
 */

export type Caller =
  | { kind: 'key'; keyId: string; name: string; scopes: ReadonlySet<string> }
  | { kind: 'guest'; roles: ReadonlySet<string>; scopes: ReadonlySet<string> }
  | { kind: 'user'; userId: string; sessionId: string | null; roles: ReadonlySet<string>; scopes: ReadonlySet<string> };

/** Appwrite's scopes for the guests role (what an unauthenticated client may attempt, permissions permitting). */
export const GUEST_SCOPES: ReadonlySet<string> = new Set([
  'global',
  'graphql',
  'sessions.write',
  'documents.read',
  'documents.write',
  'files.read',
  'files.write',
  // File tokens: permissions decide (managing a file's tokens takes update permission on the file).
  'tokens.read',
  'tokens.write',
  'locale.read',
  'avatars.read',
  'execution.read',
  'execution.write',
]);

export const GUEST_ROLES: ReadonlySet<string> = new Set(['any', 'guests']);

/** Appwrite's scopes for the users role: a guest's, plus their own account and teams. */
export const USER_SCOPES: ReadonlySet<string> = new Set([...GUEST_SCOPES, 'account', 'teams.read', 'teams.write']);

export const guestCaller = (): Caller => ({ kind: 'guest', roles: GUEST_ROLES, scopes: GUEST_SCOPES });

/** Every scope an API key may hold (Appwrite's names). ROOT_API_KEY holds them all. */
export const API_KEY_SCOPES = [
  'databases.read',
  'databases.write',
  'collections.read',
  'collections.write',
  'attributes.read',
  'attributes.write',
  'indexes.read',
  'indexes.write',
  'documents.read',
  'documents.write',
  'files.read',
  'files.write',
  'buckets.read',
  'buckets.write',
  'tokens.read',
  'tokens.write',
  'users.read',
  'users.write',
  'sessions.write',
  'teams.read',
  'teams.write',
  'graphql',
] as const;
