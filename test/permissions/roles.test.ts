import { describe, expect, it } from 'vitest';
import { DOCUMENT_ACTIONS, formatPermission, parsePermissions, type Action } from '../../src/permissions/permission.ts';
import { defaultDocumentPermissions, rolesOf, ungrantableRoles, type MembershipIdentity, type UserIdentity } from '../../src/permissions/roles.ts';

const user = (overrides: Partial<UserIdentity> = {}): UserIdentity => ({
  userId: 'u1',
  emailVerification: false,
  labels: [],
  memberships: [],
  ...overrides,
});

const membership = (membershipId: string, teamId: string, roles: string[], confirmed = true): MembershipIdentity => ({
  membershipId,
  teamId,
  roles,
  confirmed,
});

const sorted = (roles: Iterable<string>): string[] => [...roles].sort();

/** The roles in `permissions` (strings, `write` expanded as for documents) that the caller may not grant. */
const ungrantable = (permissions: string[], roles: ReadonlySet<string>): string[] =>
  ungrantableRoles(parsePermissions(permissions, DOCUMENT_ACTIONS), roles);

describe('rolesOf', () => {
  it('gives a guest exactly any and guests', () => {
    expect(sorted(rolesOf(null))).toEqual(['any', 'guests']);
  });

  it('gives an unverified user any, users and the unverified dimensions, and not guests', () => {
    expect(sorted(rolesOf(user()))).toEqual(sorted(['any', 'users', 'users/unverified', 'user:u1', 'user:u1/unverified']));
  });

  it('gives a verified user the verified dimensions instead', () => {
    expect(sorted(rolesOf(user({ emailVerification: true })))).toEqual(sorted(['any', 'users', 'users/verified', 'user:u1', 'user:u1/verified']));
  });

  it('keeps IDs with inner . - _ intact', () => {
    expect(rolesOf(user({ userId: 'a.b-c_d' }))).toContain('user:a.b-c_d/unverified');
  });

  it('gives a confirmed membership the team, each of its team roles, and the membership', () => {
    const roles = rolesOf(user({ memberships: [membership('m1', 't1', ['owner', 'editor'])] }));
    expect(sorted(roles)).toEqual(
      sorted(['any', 'users', 'users/unverified', 'user:u1', 'user:u1/unverified', 'team:t1', 'team:t1/owner', 'team:t1/editor', 'member:m1']),
    );
  });

  it('gives a membership without team roles just the team and the membership', () => {
    const roles = rolesOf(user({ memberships: [membership('m1', 't1', [])] }));
    expect(sorted([...roles].filter((role) => role.startsWith('team:') || role.startsWith('member:')))).toEqual(['member:m1', 'team:t1']);
  });

  it('keeps team roles apart per team across several memberships', () => {
    const roles = rolesOf(
      user({ memberships: [membership('m1', 't1', ['owner']), membership('m2', 't2', ['viewer', 'editor']), membership('m3', 't3', [])] }),
    );
    expect(sorted([...roles].filter((role) => role.startsWith('team:') || role.startsWith('member:')))).toEqual(
      sorted(['team:t1', 'team:t1/owner', 'member:m1', 'team:t2', 'team:t2/viewer', 'team:t2/editor', 'member:m2', 'team:t3', 'member:m3']),
    );
    expect(roles).not.toContain('team:t1/viewer');
    expect(roles).not.toContain('team:t2/owner');
  });

  it('gives an unconfirmed membership (a pending invitation) nothing', () => {
    const roles = rolesOf(user({ memberships: [membership('m1', 't1', ['owner'], false)] }));
    expect(sorted(roles)).toEqual(sorted(rolesOf(user())));
  });

  it('counts the confirmed memberships among unconfirmed ones', () => {
    const roles = rolesOf(user({ memberships: [membership('m1', 't1', ['owner'], false), membership('m2', 't2', ['owner'])] }));
    expect(roles).toContain('team:t2/owner');
    expect(roles).toContain('member:m2');
    expect(roles).not.toContain('team:t1');
    expect(roles).not.toContain('team:t1/owner');
    expect(roles).not.toContain('member:m1');
  });

  it('gives each label its role, case kept', () => {
    const roles = rolesOf(user({ labels: ['vip', 'Beta2'] }));
    expect(roles).toContain('label:vip');
    expect(roles).toContain('label:Beta2');
    expect(roles).not.toContain('label:beta2');
  });

  it('holds each role once, whatever repeats in the identity', () => {
    const repeated = rolesOf(user({ labels: ['vip', 'vip'], memberships: [membership('m1', 't1', ['owner', 'owner'])] }));
    const single = rolesOf(user({ labels: ['vip'], memberships: [membership('m1', 't1', ['owner'])] }));
    expect(repeated.size).toBe(single.size);
  });

  it("lists the roles in Appwrite's order (its error message shows them)", () => {
    const roles = rolesOf(user({ emailVerification: true, labels: ['vip'], memberships: [membership('m1', 't1', ['owner'])] }));
    expect([...roles]).toEqual(['any', 'user:u1', 'users', 'user:u1/verified', 'users/verified', 'team:t1', 'member:m1', 'team:t1/owner', 'label:vip']);
  });
});

describe('ungrantableRoles', () => {
  const member = rolesOf(
    user({ emailVerification: true, labels: ['vip'], memberships: [membership('m1', 't1', ['owner']), membership('m2', 't2', [], false)] }),
  );

  it('finds nothing to refuse in no permissions', () => {
    expect(ungrantableRoles([], rolesOf(null))).toEqual([]);
  });

  it('lets a guest grant any and guests only', () => {
    expect(ungrantable(['read("any")', 'read("guests")'], rolesOf(null))).toEqual([]);
    expect(ungrantable(['read("users")', 'read("user:u1")', 'read("team:t1")', 'read("member:m1")', 'read("label:vip")'], rolesOf(null))).toEqual([
      'users',
      'user:u1',
      'team:t1',
      'member:m1',
      'label:vip',
    ]);
  });

  it('lets a user grant any, users and themselves in their verification dimension', () => {
    expect(ungrantable(['read("any")', 'read("users")', 'read("users/verified")', 'read("user:u1")', 'read("user:u1/verified")'], member)).toEqual([]);
  });

  it('refuses the other dimension, other users and guests to a user (no role implies another)', () => {
    expect(ungrantable(['read("users/unverified")', 'read("user:u1/unverified")', 'read("user:u2")', 'read("guests")'], member)).toEqual([
      'users/unverified',
      'user:u1/unverified',
      'user:u2',
      'guests',
    ]);
  });

  it('lets a member grant their team, their team roles and their membership only', () => {
    expect(ungrantable(['read("team:t1")', 'read("team:t1/owner")', 'read("member:m1")'], member)).toEqual([]);
    expect(ungrantable(['read("team:t1/admin")', 'read("team:t3")', 'read("member:m3")'], member)).toEqual(['team:t1/admin', 'team:t3', 'member:m3']);
  });

  it('refuses the team and membership of a pending invitation', () => {
    expect(ungrantable(['read("team:t2")', 'read("member:m2")'], member)).toEqual(['team:t2', 'member:m2']);
  });

  it('lets a user grant their labels only, compared case-sensitively', () => {
    expect(ungrantable(['read("label:vip")', 'read("label:VIP")', 'read("label:staff")'], member)).toEqual(['label:VIP', 'label:staff']);
  });

  it.each<Action>(['read', 'create', 'update', 'delete'])('applies the same rule to %s', (action) => {
    expect(ungrantableRoles([{ action, role: 'user:u1' }], member)).toEqual([]);
    expect(ungrantableRoles([{ action, role: 'user:u2' }], member)).toEqual(['user:u2']);
  });

  it('names each refused role once, in first-seen order', () => {
    expect(ungrantable(['read("user:u2")', 'write("team:t9")', 'update("user:u2")', 'read("any")', 'delete("label:x")'], member)).toEqual([
      'user:u2',
      'team:t9',
      'label:x',
    ]);
  });
});

describe('defaultDocumentPermissions', () => {
  it('gives the creator read, update and delete, and no create (documents have none)', () => {
    expect(defaultDocumentPermissions('u1').map(formatPermission)).toEqual(['read("user:u1")', 'update("user:u1")', 'delete("user:u1")']);
  });

  it('gives nothing when no user creates the document (a guest or an API key)', () => {
    expect(defaultDocumentPermissions(null)).toEqual([]);
  });

  it('consists of valid document permissions', () => {
    const defaults = defaultDocumentPermissions('a.b-c_d');
    expect(parsePermissions(defaults.map(formatPermission), DOCUMENT_ACTIONS)).toEqual(defaults);
  });

  it('is grantable by its creator, verified or not, and by no other user', () => {
    expect(ungrantableRoles(defaultDocumentPermissions('u1'), rolesOf(user()))).toEqual([]);
    expect(ungrantableRoles(defaultDocumentPermissions('u1'), rolesOf(user({ emailVerification: true })))).toEqual([]);
    expect(ungrantableRoles(defaultDocumentPermissions('u1'), rolesOf(user({ userId: 'u2' })))).toEqual(['user:u1']);
  });
});
