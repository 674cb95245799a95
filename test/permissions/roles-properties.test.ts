import { describe, expect, it } from 'vitest';
import { COLLECTION_ACTIONS, isValidRole, type Permission } from '../../src/permissions/permission.ts';
import { defaultDocumentPermissions, rolesOf, ungrantableRoles, type MembershipIdentity, type UserIdentity } from '../../src/permissions/roles.ts';

/**
 * Properties of the role rules over random identities (plain loops over a seeded generator, so a failure
 * reproduces: the seed and case number are in the message).
 */

const CASES = 500;
const SEED = 0x5eed;

/** mulberry32: a small, fast, seedable PRNG. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const int = (next: Random, max: number): number => Math.floor(next() * (max + 1));
const pick = <T>(next: Random, items: readonly T[]): T => items[int(next, items.length - 1)]!;
const chars = (next: Random, alphabet: string, length: number): string => Array.from({ length }, () => pick(next, [...alphabet])).join('');

/** A valid ID; mostly short and from a small pool so that teams, labels and roles collide across cases. */
function id(next: Random): string {
  if (next() < 0.7) return pick(next, ['a', 'b', 'c', 'x.y', 'x-y', 'x_y']);
  return chars(next, ALPHANUMERIC, 1) + chars(next, `${ALPHANUMERIC}._-`, int(next, 35));
}

const label = (next: Random): string => (next() < 0.7 ? pick(next, ['vip', 'VIP', 'beta']) : chars(next, ALPHANUMERIC, 1 + int(next, 35)));

const membership = (next: Random): MembershipIdentity => ({
  membershipId: id(next),
  teamId: id(next),
  roles: Array.from({ length: int(next, 3) }, () => (next() < 0.7 ? pick(next, ['owner', 'admin', 'a.b-c_d']) : id(next))),
  confirmed: next() < 0.7,
});

const userIdentity = (next: Random): UserIdentity => ({
  userId: id(next),
  emailVerification: next() < 0.5,
  labels: Array.from({ length: int(next, 3) }, () => label(next)),
  memberships: Array.from({ length: int(next, 5) }, () => membership(next)),
});

function shuffled<T>(next: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = int(next, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const sorted = (roles: Iterable<string>): string[] => [...roles].sort();

/** Runs `check` on CASES random users, naming the case that fails. */
function forAllUsers(check: (user: UserIdentity, next: Random) => void): void {
  const next = random(SEED);
  for (let i = 0; i < CASES; i++) {
    const user = userIdentity(next);
    try {
      check(user, next);
    } catch (error) {
      throw new Error(`case ${i} (seed ${SEED}) failed for ${JSON.stringify(user)}: ${String(error)}`);
    }
  }
}

const confirmed = (user: UserIdentity): MembershipIdentity[] => user.memberships.filter((m) => m.confirmed);

/** Whether the identity accounts for this role: every role must come from somewhere (soundness). */
function isJustified(role: string, user: UserIdentity): boolean {
  const dimension = user.emailVerification ? 'verified' : 'unverified';
  if (['any', 'users', `users/${dimension}`, `user:${user.userId}`, `user:${user.userId}/${dimension}`].includes(role)) return true;
  if (user.labels.some((l) => role === `label:${l}`)) return true;
  return confirmed(user).some(
    (m) => role === `team:${m.teamId}` || role === `member:${m.membershipId}` || m.roles.some((r) => role === `team:${m.teamId}/${r}`),
  );
}

describe('rolesOf over random users', () => {
  it('yields only roles that permission strings accept', () => {
    forAllUsers((user) => {
      for (const role of rolesOf(user)) expect(isValidRole(role), role).toBe(true);
    });
  });

  it('yields exactly the roles the identity accounts for: each is justified, and each source contributes', () => {
    forAllUsers((user) => {
      const roles = rolesOf(user);
      for (const role of roles) expect(isJustified(role, user), role).toBe(true);
      for (const l of user.labels) expect(roles).toContain(`label:${l}`);
      for (const m of confirmed(user)) {
        expect(roles).toContain(`team:${m.teamId}`);
        expect(roles).toContain(`member:${m.membershipId}`);
        for (const r of m.roles) expect(roles).toContain(`team:${m.teamId}/${r}`);
      }
    });
  });

  it('always holds any and users, never guests, and exactly one verification dimension', () => {
    forAllUsers((user) => {
      const roles = rolesOf(user);
      expect(roles).toContain('any');
      expect(roles).toContain('users');
      expect(roles).not.toContain('guests');
      expect(roles.has('users/verified')).toBe(user.emailVerification);
      expect(roles.has('users/unverified')).toBe(!user.emailVerification);
      expect(roles.has(`user:${user.userId}/verified`)).toBe(user.emailVerification);
    });
  });

  it('ignores unconfirmed memberships', () => {
    forAllUsers((user) => {
      expect(sorted(rolesOf(user))).toEqual(sorted(rolesOf({ ...user, memberships: confirmed(user) })));
    });
  });

  it('does not depend on the order of labels, memberships or team roles', () => {
    forAllUsers((user, next) => {
      const reordered: UserIdentity = {
        ...user,
        labels: shuffled(next, user.labels),
        memberships: shuffled(next, user.memberships).map((m) => ({ ...m, roles: shuffled(next, m.roles) })),
      };
      expect(sorted(rolesOf(reordered))).toEqual(sorted(rolesOf(user)));
    });
  });

  it('only gains roles when a confirmed membership or a label is added', () => {
    forAllUsers((user, next) => {
      const before = rolesOf(user);
      const after = rolesOf({ ...user, labels: [...user.labels, label(next)], memberships: [...user.memberships, { ...membership(next), confirmed: true }] });
      for (const role of before) expect(after).toContain(role);
    });
  });
});

describe('ungrantableRoles over random users and permissions', () => {
  const permissionsOn = (next: Random, roles: readonly string[]): Permission[] =>
    roles.map((role) => ({ action: pick(next, COLLECTION_ACTIONS), role }));

  it('lets a user grant every role they hold, with every action', () => {
    forAllUsers((user) => {
      const roles = rolesOf(user);
      const everything = COLLECTION_ACTIONS.flatMap((action) => [...roles].map((role) => ({ action, role })));
      expect(ungrantableRoles(everything, roles)).toEqual([]);
    });
  });

  it('refuses exactly the roles of another identity that the user lacks, once each, in first-seen order', () => {
    forAllUsers((user, next) => {
      const roles = rolesOf(user);
      const other = next() < 0.2 ? null : userIdentity(next);
      const wanted = shuffled(next, [...rolesOf(other), ...rolesOf(other)]);
      const refused = ungrantableRoles(permissionsOn(next, wanted), roles);
      expect(refused).toEqual([...new Set(wanted.filter((role) => !roles.has(role)))]);
    });
  });

  it("never lets a user grant guests or another user's role", () => {
    forAllUsers((user, next) => {
      const otherId = id(next);
      if (otherId === user.userId) return;
      const refused = ungrantableRoles(permissionsOn(next, ['guests', `user:${otherId}`, `user:${otherId}/verified`]), rolesOf(user));
      expect(refused).toEqual(['guests', `user:${otherId}`, `user:${otherId}/verified`]);
    });
  });

  it('lets the creator, and only the creator, grant the default permissions', () => {
    forAllUsers((user, next) => {
      const defaults = defaultDocumentPermissions(user.userId);
      expect(ungrantableRoles(defaults, rolesOf(user))).toEqual([]);
      const other = userIdentity(next);
      if (other.userId !== user.userId) expect(ungrantableRoles(defaults, rolesOf(other))).toEqual([`user:${user.userId}`]);
    });
  });
});
