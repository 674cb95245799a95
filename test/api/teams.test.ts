import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_SCOPES, type Caller } from '../../src/auth/caller.ts';
import type { IdentityWriteContext } from '../../src/identity/context.ts';
import { IdentityCache } from '../../src/identity/identity-cache.ts';
import {
  createMembership,
  createTeam,
  deleteMembership,
  deleteTeam,
  getMembership,
  getTeam,
  listTeamMemberships,
  listTeams,
  updateMembership,
  updateTeamName,
} from '../../src/identity/teams.ts';
import { rolesOf } from '../../src/permissions/roles.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { q } from './fixtures.ts';

warnIfPostgresSkipped('teams API');

const MEMBERSHIP_FIELDS = '_id _createdAt _updatedAt userId userName userEmail teamId teamName invited joined confirm mfa roles';

/** A signed-in user as the (separately built) auth layer will resolve it; these services read memberships themselves. */
const userCaller = (userId: string): Caller => ({
  kind: 'user',
  userId,
  sessionId: null,
  roles: rolesOf({ userId, emailVerification: true, labels: [], memberships: [] }),
  scopes: USER_SCOPES,
});

describe.each(PROVIDERS)('teams on %s', (provider) => {
  let t: TestGateway;
  let identity: IdentityWriteContext;
  let cache: IdentityCache;
  beforeAll(async () => {
    t = await startGateway(provider);
    cache = new IdentityCache(t.db.prisma);
    identity = { db: t.db, now: Date.now, cache };
    for (const id of ['owner', 'member', 'outsider']) {
      await t.ok(`mutation { usersCreate(userId: "${id}", email: "${id}@example.com", name: "${id} name") { _id } }`);
    }
  });
  afterAll(async () => t?.close());

  const errorType = async (query: string, variables?: Record<string, unknown>, options?: { key?: string | null }) =>
    (await t.gql(query, variables, options)).errors?.[0]?.extensions?.type;
  const rejection = async (work: Promise<unknown>) => {
    try {
      await work;
    } catch (error) {
      return (error as { type?: string }).type;
    }
    return 'resolved';
  };

  describe('with an API key', () => {
    let membershipId: string;

    it('creates teams without members and refuses taken IDs and bad names', async () => {
      const created = await t.ok('mutation { teamsCreate(teamId: "red", name: "Red") { _id _createdAt _updatedAt name total prefs { data } } }');
      expect(created.teamsCreate).toMatchObject({ _id: 'red', name: 'Red', total: 0, prefs: { data: '{}' } });
      expect(await t.db.prisma.membership.count()).toBe(0);
      await t.ok('mutation { teamsCreate(teamId: "blue", name: "Blue") { _id } }');
      expect(await errorType('mutation { teamsCreate(teamId: "red", name: "again") { _id } }')).toBe('team_already_exists');
      expect(await errorType('mutation { teamsCreate(teamId: "green", name: "") { _id } }')).toBe('general_argument_invalid');
      expect(await errorType('mutation { teamsCreate(teamId: "green", name: "G", roles: ["no way"]) { _id } }')).toBe('general_argument_invalid');
    });

    it('lists, gets, renames and answers team_not_found', async () => {
      const list = await t.ok(`query($q: [String!]) { teamsList(queries: $q) { total teams { _id } } }`, { q: [q('orderDesc', 'name')] });
      expect(list.teamsList).toEqual({ total: 2, teams: [{ _id: 'red' }, { _id: 'blue' }] });
      expect((await t.ok('{ teamsList(search: "Blu") { teams { _id } } }')).teamsList.teams).toEqual([{ _id: 'blue' }]);
      expect((await t.ok('{ teamsGet(teamId: "red") { name } }')).teamsGet.name).toBe('Red');
      expect((await t.ok('mutation { teamsUpdateName(teamId: "red", name: "Crimson") { name } }')).teamsUpdateName.name).toBe('Crimson');
      for (const op of ['{ teamsGet(teamId: "none") { _id } }', 'mutation { teamsUpdateName(teamId: "none", name: "x") { _id } }',
        'mutation { teamsDelete(teamId: "none") { status } }', '{ teamsListMemberships(teamId: "none") { total } }',
        'mutation { teamsCreateMembership(teamId: "none", userId: "member", roles: []) { _id } }']) {
        expect(await errorType(op), op).toBe('team_not_found');
      }
    });

    it('adds members by userId, confirmed at once, and counts them in total', async () => {
      const added = await t.ok(`mutation { teamsCreateMembership(teamId: "red", userId: "member", roles: ["editor", "editor", "viewer"]) { ${MEMBERSHIP_FIELDS} } }`);
      membershipId = added.teamsCreateMembership._id;
      expect(added.teamsCreateMembership).toMatchObject({
        userId: 'member', userName: 'member name', userEmail: 'member@example.com', teamId: 'red', teamName: 'Crimson',
        confirm: true, mfa: false, roles: ['editor', 'viewer'],
      });
      expect(added.teamsCreateMembership.joined).toBe(added.teamsCreateMembership.invited);
      await t.ok('mutation { teamsCreateMembership(teamId: "red", userId: "owner", roles: ["owner"]) { _id } }');
      expect((await t.ok('{ teamsGet(teamId: "red") { total } }')).teamsGet.total).toBe(2);
      expect((await t.ok('{ teamsList { teams { _id total } } }')).teamsList.teams).toEqual([{ _id: 'red', total: 2 }, { _id: 'blue', total: 0 }]);
    });

    it('refuses duplicate members, unknown users, invitations and bad roles', async () => {
      const add = (args: string) => errorType(`mutation { teamsCreateMembership(teamId: "red", ${args}) { _id } }`);
      expect(await add('userId: "member", roles: []')).toBe('membership_already_confirmed');
      expect(await add('userId: "ghost", roles: []')).toBe('user_not_found');
      expect(await add('email: "new@example.com", roles: []')).toBe('general_not_implemented');
      expect(await add('phone: "+16175551212", roles: []')).toBe('general_not_implemented');
      expect(await add('roles: []')).toBe('general_argument_invalid');
      expect(await add('userId: "outsider", roles: ["-bad"]')).toBe('general_argument_invalid');
      const tooMany = Array.from({ length: 101 }, (_, i) => `r${i}`);
      expect(await errorType('mutation($r: [String!]!) { teamsCreateMembership(teamId: "red", userId: "outsider", roles: $r) { _id } }', { r: tooMany })).toBe('general_argument_invalid');
    });

    it('lists, gets, updates and deletes memberships', async () => {
      const list = await t.ok(`query($q: [String!]) { teamsListMemberships(teamId: "red", queries: $q) { total memberships { userId } } }`, { q: [q('orderDesc', '$createdAt')] });
      expect(list.teamsListMemberships).toEqual({ total: 2, memberships: [{ userId: 'owner' }, { userId: 'member' }] });
      expect((await t.ok('{ teamsListMemberships(teamId: "red", search: "member@") { memberships { userId } } }')).teamsListMemberships.memberships).toEqual([{ userId: 'member' }]);
      const got = await t.ok(`{ teamsGetMembership(teamId: "red", membershipId: "${membershipId}") { userId roles } }`);
      expect(got.teamsGetMembership).toEqual({ userId: 'member', roles: ['editor', 'viewer'] });
      expect(await errorType(`{ teamsGetMembership(teamId: "blue", membershipId: "${membershipId}") { _id } }`)).toBe('team_membership_mismatch');
      expect(await errorType('{ teamsGetMembership(teamId: "red", membershipId: "none") { _id } }')).toBe('membership_not_found');
      const updated = await t.ok(`mutation { teamsUpdateMembership(teamId: "red", membershipId: "${membershipId}", roles: ["admin"]) { roles } }`);
      expect(updated.teamsUpdateMembership.roles).toEqual(['admin']);
      expect(await errorType(`mutation { teamsUpdateMembership(teamId: "red", membershipId: "${membershipId}", roles: ["a b"]) { roles } }`)).toBe('general_argument_invalid');
      expect(await errorType(`mutation { teamsDeleteMembership(teamId: "blue", membershipId: "${membershipId}") { status } }`)).toBe('team_membership_mismatch');
      expect((await t.ok(`mutation { teamsDeleteMembership(teamId: "red", membershipId: "${membershipId}") { status } }`)).teamsDeleteMembership.status).toBe(true);
      expect(await errorType(`mutation { teamsDeleteMembership(teamId: "red", membershipId: "${membershipId}") { status } }`)).toBe('membership_not_found');
      expect((await t.ok('{ teamsGet(teamId: "red") { total } }')).teamsGet.total).toBe(1);
    });

    it('deletes teams with their memberships', async () => {
      await t.ok('mutation { teamsCreate(teamId: "gone", name: "Gone") { _id } }');
      await t.ok('mutation { teamsCreateMembership(teamId: "gone", userId: "member", roles: []) { _id } }');
      expect((await t.ok('mutation { teamsDelete(teamId: "gone") { status } }')).teamsDelete.status).toBe(true);
      expect(await errorType('{ teamsGet(teamId: "gone") { _id } }')).toBe('team_not_found');
      expect((await t.ok('{ usersListMemberships(userId: "member") { total } }')).usersListMemberships.total).toBe(0);
    });

    it('needs the teams scopes', async () => {
      expect(await errorType('{ teamsList { total } }', undefined, { key: null })).toBe('general_unauthorized_scope');
      expect(await errorType('mutation { teamsCreate(teamId: "x", name: "x") { _id } }', undefined, { key: null })).toBe('general_unauthorized_scope');
    });
  });

  describe('with a user caller', () => {
    const owner = userCaller('owner');
    const member = userCaller('member');
    const outsider = userCaller('outsider');
    let memberMembershipId: string;

    it('makes the creator a confirmed owner, merged with the given roles', async () => {
      const team = await createTeam(identity, owner, { teamId: 'guild', name: 'Guild', roles: ['lead', 'owner'] });
      expect(team).toMatchObject({ id: 'guild', total: 1 });
      const { rows } = await listTeamMemberships(identity, owner, 'guild', null, null);
      expect(rows).toMatchObject([{ userId: 'owner', roles: ['owner', 'lead'], confirm: true }]);
    });

    it('shows users only the teams they are confirmed members of', async () => {
      memberMembershipId = (await createMembership(identity, owner, { teamId: 'guild', userId: 'member', roles: ['scout'] })).id;
      expect((await listTeams(identity, member, null, null)).rows.map((team) => team.id)).toEqual(['guild']);
      expect((await listTeams(identity, outsider, null, null)).rows).toEqual([]);
      expect(await (await listTeams(identity, outsider, null, null)).count(100)).toBe(0);
      expect((await getTeam(identity, member, 'guild')).total).toBe(2);
      expect(await rejection(getTeam(identity, outsider, 'guild'))).toBe('team_not_found');
      expect(await rejection(listTeamMemberships(identity, outsider, 'guild', null, null))).toBe('team_not_found');
      expect(await rejection(getMembership(identity, outsider, 'guild', memberMembershipId))).toBe('team_not_found');
      expect((await getMembership(identity, member, 'guild', memberMembershipId)).roles).toEqual(['scout']);
      expect(await rejection(getTeam(identity, member, 'red'))).toBe('team_not_found');
    });

    it('grants nothing through an unconfirmed membership', async () => {
      const [team, outsiderRow] = await Promise.all([
        t.db.prisma.team.findUniqueOrThrow({ where: { id: 'guild' } }),
        t.db.prisma.user.findUniqueOrThrow({ where: { id: 'outsider' } }),
      ]);
      const at = new Date().toISOString();
      await t.db.prisma.membership.create({
        data: { id: 'pending', teamSequence: team.sequence, userSequence: outsiderRow.sequence, roles: '["owner"]', invited: at, confirm: false, createdAt: at, updatedAt: at },
      });
      expect(await rejection(getTeam(identity, outsider, 'guild'))).toBe('team_not_found');
      expect((await getTeam(identity, owner, 'guild')).total).toBe(2);
      await t.db.prisma.membership.delete({ where: { id: 'pending' } });
    });

    it('lets only owners rename, delete, add and update', async () => {
      expect(await rejection(updateTeamName(identity, member, 'guild', 'Mine'))).toBe('user_unauthorized');
      expect(await rejection(deleteTeam(identity, member, 'guild'))).toBe('user_unauthorized');
      expect(await rejection(createMembership(identity, member, { teamId: 'guild', userId: 'outsider', roles: [] }))).toBe('user_unauthorized');
      expect(await rejection(updateMembership(identity, member, 'guild', memberMembershipId, ['owner']))).toBe('user_unauthorized');
      expect(await rejection(updateTeamName(identity, outsider, 'guild', 'Mine'))).toBe('team_not_found');
      expect((await updateTeamName(identity, owner, 'guild', 'Guild II')).name).toBe('Guild II');
      expect((await updateMembership(identity, owner, 'guild', memberMembershipId, ['scout', 'medic'])).roles).toEqual(['scout', 'medic']);
      const added = await createMembership(identity, owner, { teamId: 'guild', userId: 'outsider', roles: [] });
      expect(added).toMatchObject({ userId: 'outsider', confirm: true, teamName: 'Guild II' });
      // Promotion takes effect on the next call: the services read memberships, not the caller's resolved roles.
      await updateMembership(identity, owner, 'guild', added.id, ['owner']);
      expect((await updateTeamName(identity, outsider, 'guild', 'Guild III')).name).toBe('Guild III');
    });

    it('lets members leave, and only owners remove others', async () => {
      const outsiderMembership = (await listTeamMemberships(identity, owner, 'guild', [q('equal', 'confirm', [true])], 'outsider')).rows[0]!;
      await updateMembership(identity, owner, 'guild', outsiderMembership.id, []);
      expect(await rejection(deleteMembership(identity, member, 'guild', outsiderMembership.id))).toBe('user_unauthorized');
      await deleteMembership(identity, member, 'guild', memberMembershipId);
      expect(await rejection(getTeam(identity, member, 'guild'))).toBe('team_not_found');
      await deleteMembership(identity, owner, 'guild', outsiderMembership.id);
      expect((await getTeam(identity, owner, 'guild')).total).toBe(1);
      await deleteTeam(identity, owner, 'guild');
      expect(await rejection(getTeam(identity, owner, 'guild'))).toBe('team_not_found');
    });

    it('invalidates the cached identity of every user a membership write concerns', async () => {
      const teamsOf = async (userId: string) => (await cache.user(userId))!.identity.memberships.map((m) => m.teamId);
      expect(await teamsOf('member')).toEqual([]);
      await createTeam(identity, owner, { teamId: 'cached', name: 'Cached' });
      const added = await createMembership(identity, owner, { teamId: 'cached', userId: 'member', roles: [] });
      expect(await teamsOf('member')).toEqual(['cached']);
      await deleteMembership(identity, owner, 'cached', added.id);
      expect(await teamsOf('member')).toEqual([]);
      expect(await teamsOf('owner')).toContain('cached');
      await deleteTeam(identity, owner, 'cached');
      expect(await teamsOf('owner')).not.toContain('cached');
    });

    it('refuses guests even past the scope check', async () => {
      const guest: Caller = { kind: 'guest', roles: rolesOf(null), scopes: USER_SCOPES };
      expect(await rejection(listTeams(identity, guest, null, null))).toBe('user_unauthorized');
      expect(await rejection(createTeam(identity, guest, { teamId: 'x', name: 'x' }))).toBe('user_unauthorized');
    });
  });
});
