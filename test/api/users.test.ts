import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/auth/passwords.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { q } from './fixtures.ts';

warnIfPostgresSkipped('users API');

const USER_FIELDS = '_id _createdAt _updatedAt name registration status labels passwordUpdate email phone emailVerification phoneVerification mfa accessedAt prefs { data }';

describe.each(PROVIDERS)('users on %s', (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(provider);
  });
  afterAll(async () => t?.close());

  const errorType = async (query: string, variables?: Record<string, unknown>, options?: { key?: string | null }) =>
    (await t.gql(query, variables, options)).errors?.[0]?.extensions?.type;
  const createUser = (vars: Record<string, unknown>) =>
    t.gql(`mutation($userId: String!, $email: String, $password: String, $name: String, $phone: String) {
      usersCreate(userId: $userId, email: $email, password: $password, name: $name, phone: $phone) { ${USER_FIELDS} }
    }`, vars);
  const listUsers = async (queries: string[], extra = '') =>
    t.gql(`query($q: [String!]) { usersList(queries: $q${extra}) { total users { _id } } }`, { q: queries });

  it('creates users with a lower-cased email and a scrypt-hashed password that is never exposed', async () => {
    const created = await createUser({ userId: 'ada', email: 'Ada@Example.COM', password: 'correct horse', name: 'Ada' });
    expect(created.errors).toBeUndefined();
    expect(created.data.usersCreate).toMatchObject({
      _id: 'ada', name: 'Ada', email: 'ada@example.com', status: true, labels: [], phone: '', emailVerification: false,
      phoneVerification: false, mfa: false, accessedAt: '', prefs: { data: '{}' },
    });
    expect(created.data.usersCreate.passwordUpdate).toBe(created.data.usersCreate.registration);
    const row = await t.db.prisma.user.findUniqueOrThrow({ where: { id: 'ada' } });
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('correct horse', row.passwordHash!)).toBe(true);
    for (const field of ['password', 'hash', 'hashOptions']) {
      expect((await t.gql(`{ usersGet(userId: "ada") { ${field} } }`)).errors?.[0]?.message).toContain(`Cannot query field "${field}"`);
    }

    const bare = (await createUser({ userId: 'unique()' })).data.usersCreate;
    expect(bare).toMatchObject({ name: '', email: '', passwordUpdate: '' });
    expect(bare._id).toMatch(/^[0-9a-f]{20}$/);
    await t.ok(`mutation { usersDelete(userId: "${bare._id}") { status } }`);
  });

  it('refuses taken IDs and emails, invalid parameters and phones', async () => {
    expect((await createUser({ userId: 'ada', email: 'other@example.com' })).errors?.[0]?.extensions?.type).toBe('user_already_exists');
    expect((await createUser({ userId: 'ada2', email: 'ADA@example.com' })).errors?.[0]?.extensions).toMatchObject({ type: 'user_email_already_exists', code: 409 });
    for (const bad of [{ email: 'not-an-email' }, { password: 'short' }, { name: 'x'.repeat(129) }, { userId: '_bad' }]) {
      expect((await createUser({ userId: 'bob', ...bad })).errors?.[0]?.extensions?.type, JSON.stringify(bad)).toBe('general_argument_invalid');
    }
    expect((await createUser({ userId: 'bob', phone: '+16175551212' })).errors?.[0]?.extensions?.type).toBe('general_not_implemented');
    expect(await t.db.prisma.user.count({ where: { id: 'bob' } })).toBe(0);
  });

  it('lists users with queries, search, cursors and total', async () => {
    await createUser({ userId: 'bob', email: 'bob@example.com', name: 'Bob' });
    await createUser({ userId: 'cy', email: 'cy@example.org', name: 'Cy' });
    await t.ok('mutation { usersUpdateEmailVerification(userId: "cy", emailVerification: true) { _id } }');
    expect((await listUsers([])).data.usersList).toEqual({ total: 3, users: [{ _id: 'ada' }, { _id: 'bob' }, { _id: 'cy' }] });
    expect((await listUsers([q('equal', 'email', ['bob@example.com'])])).data.usersList.users).toEqual([{ _id: 'bob' }]);
    expect((await listUsers([q('equal', 'emailVerification', [true])])).data.usersList.users).toEqual([{ _id: 'cy' }]);
    expect((await listUsers([q('orderDesc', 'name'), q('limit', undefined, [2])])).data.usersList).toEqual({ total: 3, users: [{ _id: 'cy' }, { _id: 'bob' }] });
    expect((await listUsers([q('cursorAfter', undefined, ['ada'])])).data.usersList.users).toEqual([{ _id: 'bob' }, { _id: 'cy' }]);
    expect((await listUsers([], ', total: false')).data.usersList.total).toBe(0);
    expect((await t.ok('{ usersList(search: "example.org") { users { _id } } }')).usersList.users).toEqual([{ _id: 'cy' }]);
    for (const bad of [q('equal', 'password', ['x']), q('equal', 'emailVerification', ['yes']), q('equal', 'status', [true])]) {
      expect((await listUsers([bad])).errors?.[0]?.extensions?.type, bad).toBe('general_query_invalid');
    }
  });

  it('gets users and answers user_not_found', async () => {
    expect((await t.ok('{ usersGet(userId: "bob") { _id email } }')).usersGet).toEqual({ _id: 'bob', email: 'bob@example.com' });
    for (const op of ['{ usersGet(userId: "nobody") { _id } }', 'mutation { usersDelete(userId: "nobody") { status } }',
      'mutation { usersUpdateStatus(userId: "nobody", status: false) { _id } }', '{ usersListMemberships(userId: "nobody") { total } }']) {
      expect(await errorType(op), op).toBe('user_not_found');
    }
  });

  it('blocks and unblocks users and sets email verification', async () => {
    const blocked = await t.ok('mutation { usersUpdateStatus(userId: "bob", status: false) { status _updatedAt } }');
    expect(blocked.usersUpdateStatus.status).toBe(false);
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: 'bob' } })).status).toBe(false);
    expect((await t.ok('mutation { usersUpdateStatus(userId: "bob", status: true) { status } }')).usersUpdateStatus.status).toBe(true);
    const verified = await t.ok('mutation { usersUpdateEmailVerification(userId: "bob", emailVerification: true) { emailVerification } }');
    expect(verified.usersUpdateEmailVerification.emailVerification).toBe(true);
  });

  it('normalises labels and refuses invalid ones', async () => {
    const setLabels = (labels: unknown[]) => t.gql('mutation($l: [String!]!) { usersUpdateLabels(userId: "bob", labels: $l) { labels } }', { l: labels });
    expect((await setLabels(['vip', 'staff', 'vip', 'A1'])).data.usersUpdateLabels.labels).toEqual(['vip', 'staff', 'A1']);
    for (const bad of [['has space'], ['dash-ed'], ['x'.repeat(37)], [''], Array.from({ length: 1001 }, (_, i) => `l${i}`)]) {
      expect((await setLabels(bad)).errors?.[0]?.extensions?.type).toBe('general_argument_invalid');
    }
    expect((await t.ok('{ usersGet(userId: "bob") { labels } }')).usersGet.labels).toEqual(['vip', 'staff', 'A1']);
    expect((await setLabels([])).data.usersUpdateLabels.labels).toEqual([]);
  });

  it('lists a user\'s memberships and deletes users with their sessions and memberships', async () => {
    await t.ok('mutation { teamsCreate(teamId: "crew", name: "Crew") { _id } }');
    const added = await t.ok('mutation { teamsCreateMembership(teamId: "crew", userId: "ada", roles: ["pilot"]) { _id } }');
    const list = await t.ok('{ usersListMemberships(userId: "ada") { total memberships { _id teamId teamName userId roles confirm } } }');
    expect(list.usersListMemberships).toEqual({
      total: 1,
      memberships: [{ _id: added.teamsCreateMembership._id, teamId: 'crew', teamName: 'Crew', userId: 'ada', roles: ['pilot'], confirm: true }],
    });
    expect((await t.ok('{ usersListMemberships(userId: "ada", search: "nothing") { total } }')).usersListMemberships.total).toBe(0);
    const ada = await t.db.prisma.user.findUniqueOrThrow({ where: { id: 'ada' } });
    const at = new Date().toISOString();
    await t.db.prisma.session.create({ data: { id: 's1', userSequence: ada.sequence, secretHash: 'h1', expire: at, createdAt: at, updatedAt: at } });

    expect((await t.ok('mutation { usersDelete(userId: "ada") { status } }')).usersDelete).toEqual({ status: true });
    expect(await errorType('{ usersGet(userId: "ada") { _id } }')).toBe('user_not_found');
    expect(await t.db.prisma.session.count({ where: { id: 's1' } })).toBe(0);
    expect(await t.db.prisma.membership.count({ where: { id: added.teamsCreateMembership._id } })).toBe(0);
    expect((await t.ok('{ teamsGet(teamId: "crew") { total } }')).teamsGet.total).toBe(0);
  });

  it('needs the users scopes', async () => {
    expect(await errorType('{ usersList { total } }', undefined, { key: null })).toBe('general_unauthorized_scope');
    expect(await errorType('mutation { usersUpdateStatus(userId: "bob", status: false) { _id } }', undefined, { key: null })).toBe('general_unauthorized_scope');
  });
});
