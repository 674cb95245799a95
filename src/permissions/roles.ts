import { GUEST_ROLES } from '../auth/caller.ts';
import { DOCUMENT_ACTIONS, type Permission } from './permission.ts';

/**
 * Appwrite's roles of a caller (its `Auth::getRoles`) and the rules that depend on them, as pure functions:
 * the storage and auth layers load the identity, these decide what it amounts to.
 */

export interface MembershipIdentity {
  membershipId: string;
  teamId: string;
  /** Team roles, e.g. `owner`; each becomes `team:TEAM/ROLE`. */
  roles: readonly string[];
  /** False while an invitation is pending: such a membership grants nothing yet. */
  confirmed: boolean;
}

/**
 * A signed-in user, as far as roles go. There is no status: the auth layer refuses blocked users before roles
 * are computed, so every identity that reaches `rolesOf` is active.
 */
export interface UserIdentity {
  userId: string;
  /** Appwrite's `emailVerification`: picks the `verified` or `unverified` dimension (no phone auth here). */
  emailVerification: boolean;
  labels: readonly string[];
  memberships: readonly MembershipIdentity[];
}

const userRole = (userId: string): string => `user:${userId}`;

/** Every role of the caller: `null` is a guest (no user). Added in Appwrite's order, which its errors list. */
export function rolesOf(user: UserIdentity | null): ReadonlySet<string> {
  if (!user) return GUEST_ROLES;
  const dimension = user.emailVerification ? 'verified' : 'unverified';
  const roles = new Set(['any', userRole(user.userId), 'users', `${userRole(user.userId)}/${dimension}`, `users/${dimension}`]);
  for (const membership of user.memberships) {
    if (!membership.confirmed) continue;
    roles.add(`team:${membership.teamId}`);
    roles.add(`member:${membership.membershipId}`);
    for (const teamRole of membership.roles) roles.add(`team:${membership.teamId}/${teamRole}`);
  }
  for (const label of user.labels) roles.add(`label:${label}`);
  return roles;
}

/**
 * The roles among `permissions` that a non-key caller with `roles` may not grant, distinct, in first-seen
 * order. Appwrite's rule is plain membership, for every action alike: no role implies another (holding `users`
 * does not let one grant `user:OTHER`), and `any` passes only because every caller holds it.
 */
export function ungrantableRoles(permissions: readonly Permission[], roles: ReadonlySet<string>): string[] {
  return [...new Set(permissions.map((permission) => permission.role))].filter((role) => !roles.has(role));
}

/**
 * What a document gets when created without a `permissions` argument: read, update and delete for its creator;
 * nothing when there is no user to name (a guest or an API key), as in Appwrite.
 */
export function defaultDocumentPermissions(creatorUserId: string | null): Permission[] {
  if (creatorUserId === null) return [];
  return DOCUMENT_ACTIONS.map((action) => ({ action, role: userRole(creatorUserId) }));
}
