import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, TEST_JWT_SECRET, type TestGateway } from '../support/gateway.ts';
import {
  Model,
  type DocumentAction,
  type Selection,
  permissionString,
  type CallerSpec,
  type Outcome,
  type PermissionSpec,
  type RoleSpec,
  type World,
  type WorldIds,
} from '../support/permission-model.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';

/**
 * Model-based property test (issue 3, "Proof"): random worlds of users, teams, memberships, labels,
 * collections and documents with random permissions, then random operations by random callers — lists with
 * filters and pages, gets, creates with or without permissions, updates that may change permissions, deletes,
 * bulk updates and deletes — interleaved with identity changes; every answer (ids, totals, error types) must
 * equal the model's.
 * FC_SEED / FC_RUNS override the fixed seed and the number of runs.
 */

warnIfPostgresSkipped('permission model');

const SEED = Number(process.env['FC_SEED'] ?? 506952121);
const RUNS = Number(process.env['FC_RUNS'] ?? 150);

const MAX_USERS = 4;
const MAX_TEAMS = 3;
const LABELS = ['red', 'blue', 'green'];
const TEAM_ROLES = ['owner', 'editor'];

// ---------- Generators ----------

const userIndex = fc.nat(MAX_USERS - 1);
const teamIndex = fc.nat(MAX_TEAMS - 1);

/** Roles over the whole universe; indexes past the world's size name users/teams/memberships nobody is. */
const roleArb: fc.Arbitrary<RoleSpec> = fc.oneof(
  fc.constantFrom<RoleSpec>({ kind: 'any' }, { kind: 'guests' }, { kind: 'users' }, { kind: 'users/verified' }, { kind: 'users/unverified' }),
  fc.record({ kind: fc.constant('user' as const), user: userIndex, dimension: fc.constantFrom('' as const, '/verified' as const, '/unverified' as const) }),
  fc.record({ kind: fc.constant('team' as const), team: teamIndex, role: fc.option(fc.constantFrom(...TEAM_ROLES), { nil: null }) }),
  fc.record({ kind: fc.constant('member' as const), membership: fc.nat(5) }),
  fc.record({ kind: fc.constant('label' as const), label: fc.constantFrom(...LABELS) }),
);

const permissionsArb = <A extends string>(actions: readonly A[], max: number): fc.Arbitrary<PermissionSpec<A>[]> =>
  fc.array(fc.record({ action: fc.constantFrom(...actions), role: roleArb }), { maxLength: max });

const documentPermissionsArb = (max: number) => permissionsArb<DocumentAction>(['read', 'update', 'delete'] as const, max);
/** Permissions for a create or update: mostly none given (the default, or unchanged). */
const newPermissionsArb = fc.option(documentPermissionsArb(3), { freq: 2, nil: null });

/** Values of the attribute `n`: documents start with "x"; updates set one of these. */
const VALUES = ['x', 'y', 'z'];
const selectionArb: fc.Arbitrary<Selection> = fc.record({
  filter: fc.option(fc.constantFrom(...VALUES), { freq: 2, nil: null }),
  limit: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 2, nil: null }),
  offset: fc.nat(2),
});

const labelsArb = fc.subarray(LABELS);
const teamRolesArb = fc.subarray(TEAM_ROLES);

const worldArb: fc.Arbitrary<World> = fc
  .record({
    users: fc.array(fc.record({ verified: fc.boolean(), labels: labelsArb }), { minLength: 1, maxLength: MAX_USERS }),
    teams: fc.integer({ min: 0, max: MAX_TEAMS }),
    memberships: fc.uniqueArray(fc.record({ user: userIndex, team: teamIndex, roles: teamRolesArb }), {
      maxLength: 6,
      selector: (m) => `${m.user}/${m.team}`,
    }),
    collections: fc.array(
      fc.record({ documentSecurity: fc.boolean(), permissions: permissionsArb(['create', 'read', 'update', 'delete'] as const, 4) }),
      { minLength: 1, maxLength: 2 },
    ),
    documents: fc.array(fc.record({ collection: fc.nat(1), permissions: documentPermissionsArb(6), n: fc.constant('x') }), { maxLength: 12 }),
  })
  // Keep only memberships and documents whose user, team and collection exist.
  .map((w) => ({
    ...w,
    memberships: w.memberships.filter((m) => m.user < w.users.length && m.team < w.teams),
    documents: w.documents.map((d) => ({ ...d, collection: d.collection % w.collections.length })),
  }));

type Operation =
  | { kind: 'list'; caller: CallerSpec; collection: number; selection: Selection }
  | { kind: 'get' | 'delete'; caller: CallerSpec; collection: number | null; document: number }
  | { kind: 'update'; caller: CallerSpec; collection: number | null; document: number; n: string; permissions: PermissionSpec<DocumentAction>[] | null }
  | { kind: 'create'; caller: CallerSpec; collection: number; permissions: PermissionSpec<DocumentAction>[] | null }
  | { kind: 'bulkUpdate'; caller: CallerSpec; collection: number; n: string; selection: Selection }
  | { kind: 'bulkDelete'; caller: CallerSpec; collection: number; selection: Selection }
  | { kind: 'labels'; user: number; labels: string[] }
  | { kind: 'verify'; user: number; verified: boolean }
  | { kind: 'teamRoles'; membership: number; roles: string[] };

const callerArb: fc.Arbitrary<CallerSpec> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<CallerSpec>({ kind: 'key' }) },
  { weight: 2, arbitrary: fc.constant<CallerSpec>({ kind: 'guest' }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('user' as const), user: userIndex }) },
);

/** Mostly the document's own collection (`collection: null`), sometimes another one, where it is not found. */
const documentTarget = { caller: callerArb, collection: fc.option(fc.nat(1), { freq: 4, nil: null }), document: fc.nat(15) };
const valueArb = fc.constantFrom(...VALUES);

const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('list' as const), caller: callerArb, collection: fc.nat(1), selection: selectionArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('get' as const), ...documentTarget }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('update' as const), ...documentTarget, n: valueArb, permissions: newPermissionsArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), ...documentTarget }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), caller: callerArb, collection: fc.nat(1), permissions: newPermissionsArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bulkUpdate' as const), caller: callerArb, collection: fc.nat(1), n: valueArb, selection: selectionArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bulkDelete' as const), caller: callerArb, collection: fc.nat(1), selection: selectionArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('labels' as const), user: userIndex, labels: labelsArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('verify' as const), user: userIndex, verified: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('teamRoles' as const), membership: fc.nat(5), roles: teamRolesArb }) },
);

const scenarioArb = fc.record({ world: worldArb, operations: fc.array(operationArb, { minLength: 20, maxLength: 40 }) });

// ---------- Driving the gateway ----------

const str = (value: string) => JSON.stringify(value);
const strList = (values: readonly string[]) => `[${values.map(str).join(', ')}]`;

/** One run's world in the gateway: IDs carry the run's prefix, as users and teams are global. */
class LiveWorld {
  readonly jwts = new Map<number, string>();
  private readonly membershipIds: string[] = [];

  constructor(
    private readonly t: TestGateway,
    private readonly prefix: string,
  ) {}

  readonly ids: WorldIds = {
    user: (i) => `${this.prefix}u${i}`,
    team: (i) => `${this.prefix}t${i}`,
    membership: (i) => this.membershipIds[i] ?? `${this.prefix}nomember`,
  };

  readonly databaseId = () => `${this.prefix}db`;
  readonly collectionId = (i: number) => `c${i}`;

  /** Creates users, teams and memberships first (member roles need their IDs), then collections and documents. */
  async create(world: World): Promise<void> {
    const identity: string[] = [];
    world.users.forEach((user, i) => {
      const id = str(this.ids.user(i));
      identity.push(
        `cu${i}: usersCreate(userId: ${id}) { _id }`,
        `lu${i}: usersUpdateLabels(userId: ${id}, labels: ${strList(user.labels)}) { _id }`,
        `vu${i}: usersUpdateEmailVerification(userId: ${id}, emailVerification: ${user.verified}) { _id }`,
        `ju${i}: usersCreateJWT(userId: ${id}, duration: 3600) { jwt }`,
      );
    });
    for (let i = 0; i < world.teams; i++) identity.push(`ct${i}: teamsCreate(teamId: ${str(this.ids.team(i))}, name: "t") { _id }`);
    world.memberships.forEach((m, i) =>
      identity.push(`m${i}: teamsCreateMembership(teamId: ${str(this.ids.team(m.team))}, userId: ${str(this.ids.user(m.user))}, roles: ${strList(m.roles)}) { _id }`),
    );
    const created = await this.t.ok(`mutation { ${identity.join('\n')} }`);
    world.users.forEach((_, i) => this.jwts.set(i, created[`ju${i}`].jwt));
    world.memberships.forEach((_, i) => this.membershipIds.push(created[`m${i}`]._id));

    const data: string[] = [`db: databasesCreate(databaseId: ${str(this.databaseId())}, name: "db") { _id }`];
    world.collections.forEach((c, i) =>
      data.push(
        `c${i}: databasesCreateCollection(databaseId: ${str(this.databaseId())}, collectionId: "c${i}", name: "c", documentSecurity: ${c.documentSecurity}, permissions: ${strList(c.permissions.map((p) => permissionString(p, this.ids)))}) { _id }`,
        // Appwrite refuses empty document data, so each collection gets one optional attribute.
        `a${i}: databasesCreateStringAttribute(${this.address(i)}, key: "n", size: 8, required: false) { key }`,
      ),
    );
    world.documents.forEach((d, i) =>
      data.push(
        `d${i}: databasesCreateDocument(${this.address(d.collection, i)}, data: {n: "x"}, permissions: ${strList(d.permissions.map((p) => permissionString(p, this.ids)))}) { _id }`,
      ),
    );
    await this.t.ok(`mutation { ${data.join('\n')} }`);
  }

  address(collection: number, document?: number): string {
    const base = `databaseId: ${str(this.databaseId())}, collectionId: "c${collection}"`;
    return document === undefined ? base : `${base}, documentId: "d${document}"`;
  }

  /** A caller's request options: the root key, no key (guest), or the user's JWT. */
  as(caller: CallerSpec): { key?: string | null; headers?: Record<string, string> } {
    if (caller.kind === 'key') return {};
    if (caller.kind === 'guest') return { key: null };
    return { key: null, headers: { 'x-appwrite-jwt': this.jwts.get(caller.user)! } };
  }
}

/** The answer as an outcome: the selected value, or the first error's Appwrite type. */
async function outcome<T>(
  t: TestGateway,
  query: string,
  options: { key?: string | null; headers?: Record<string, string> },
  pick: (data: any) => T,
  variables: Record<string, unknown> = {},
): Promise<Outcome<T>> {
  const response = await t.gql(query, variables, options);
  if (response.errors?.length) return { error: response.errors[0]!.extensions?.type ?? response.errors[0]!.message };
  return { ok: pick(response.data) };
}

const documentIndex = (id: string) => Number(id.slice(1));
const documentIndexes = (documents: { _id: string }[]) => documents.map((d) => documentIndex(d._id));
const sorted = (indexes: number[]) => [...indexes].sort((a, b) => a - b);

/** Appwrite queries for a selection: `n` equal to the filter, then limit and offset. */
function queriesOf(selection: Selection): string[] {
  const queries: string[] = [];
  if (selection.filter !== null) queries.push(JSON.stringify({ method: 'equal', attribute: 'n', values: [selection.filter] }));
  if (selection.limit !== null) queries.push(JSON.stringify({ method: 'limit', values: [selection.limit] }));
  if (selection.offset > 0) queries.push(JSON.stringify({ method: 'offset', values: [selection.offset] }));
  return queries;
}

const permissionsArg = (permissions: PermissionSpec<string>[] | null, ids: WorldIds) =>
  permissions === null ? '' : `, permissions: ${strList(permissions.map((p) => permissionString(p, ids)))}`;

/** Runs one operation on both sides; returns [actual, expected] for the answering operations, null for setup changes. */
async function step(t: TestGateway, live: LiveWorld, model: Model, op: ConcreteOperation): Promise<[Outcome<unknown>, Outcome<unknown>] | null> {
  const world = model.world;
  switch (op.kind) {
    case 'list': {
      const query = `query($q: [String!]) { r: databasesListDocuments(${live.address(op.collection)}, queries: $q) { total documents { _id } } }`;
      const actual = await outcome(t, query, live.as(op.caller), (d) => ({ ids: documentIndexes(d.r.documents), total: d.r.total }), { q: queriesOf(op.selection) });
      return [actual, model.list(op.caller, op.collection, op.selection)];
    }
    case 'get': {
      const actual = await outcome(t, `{ r: databasesGetDocument(${live.address(op.collection, op.document)}) { _id } }`, live.as(op.caller), (d) => documentIndex(d.r._id));
      return [actual, model.get(op.caller, op.collection, op.document)];
    }
    case 'create': {
      const index = world.documents.length;
      const query = `mutation { r: databasesCreateDocument(${live.address(op.collection, index)}, data: {n: "x"}${permissionsArg(op.permissions, live.ids)}) { _id } }`;
      const actual = await outcome(t, query, live.as(op.caller), (d) => documentIndex(d.r._id));
      return [actual, model.create(op.caller, op.collection, op.permissions)];
    }
    case 'update': {
      const query = `mutation { r: databasesUpdateDocument(${live.address(op.collection, op.document)}, data: {n: ${str(op.n)}}${permissionsArg(op.permissions, live.ids)}) { _id } }`;
      const actual = await outcome(t, query, live.as(op.caller), () => true as const);
      return [actual, model.write(op.caller, op.collection, op.document, { action: 'update', n: op.n, permissions: op.permissions })];
    }
    case 'delete': {
      const query = `mutation { r: databasesDeleteDocument(${live.address(op.collection, op.document)}) { status } }`;
      const actual = await outcome(t, query, live.as(op.caller), () => true as const);
      return [actual, model.write(op.caller, op.collection, op.document, { action: 'delete' })];
    }
    case 'bulkUpdate':
    case 'bulkDelete': {
      const query =
        op.kind === 'bulkUpdate'
          ? `mutation($q: [String!]) { r: databasesUpdateDocuments(${live.address(op.collection)}, data: {n: ${str(op.n)}}, queries: $q) { documents { _id } } }`
          : `mutation($q: [String!]) { r: databasesDeleteDocuments(${live.address(op.collection)}, queries: $q) { documents { _id } } }`;
      const actual = await outcome(t, query, live.as(op.caller), (d) => sorted(documentIndexes(d.r.documents)), { q: queriesOf(op.selection) });
      const change = op.kind === 'bulkUpdate' ? { action: 'update' as const, n: op.n } : { action: 'delete' as const };
      const expected = model.bulk(op.caller, op.collection, change, op.selection);
      return [actual, 'ok' in expected ? { ok: sorted(expected.ok) } : expected];
    }
    case 'labels': {
      if (op.user >= world.users.length) return null;
      await t.ok(`mutation { usersUpdateLabels(userId: ${str(live.ids.user(op.user))}, labels: ${strList(op.labels)}) { _id } }`);
      world.users[op.user]!.labels = op.labels;
      return null;
    }
    case 'verify': {
      if (op.user >= world.users.length) return null;
      await t.ok(`mutation { usersUpdateEmailVerification(userId: ${str(live.ids.user(op.user))}, emailVerification: ${op.verified}) { _id } }`);
      world.users[op.user]!.verified = op.verified;
      return null;
    }
    case 'teamRoles': {
      const membership = world.memberships[op.membership];
      if (!membership) return null;
      await t.ok(
        `mutation { teamsUpdateMembership(teamId: ${str(live.ids.team(membership.team))}, membershipId: ${str(live.ids.membership(op.membership))}, roles: ${strList(op.roles)}) { _id } }`,
      );
      membership.roles = op.roles;
      return null;
    }
  }
}

/** Counts answers by kind (lists by empty or not), so the log shows every branch of the rules is exercised. */
function tally(answers: Map<string, number>, kind: string, expected: Outcome<unknown>): void {
  const answer = 'error' in expected ? expected.error : kind === 'list' && (expected.ok as { total: number }).total === 0 ? 'empty' : 'ok';
  const key = `${kind}:${answer}`;
  answers.set(key, (answers.get(key) ?? 0) + 1);
}

type Concrete<O> = O extends { collection: number | null } ? Omit<O, 'collection'> & { collection: number } : O;
type ConcreteOperation = Concrete<Operation>;

/**
 * Callers, collections and documents past the world's size are clamped into it, so few operations are wasted
 * (documents still go missing: deleted, or addressed in another collection).
 */
function clamp(op: Operation, world: World): ConcreteOperation {
  if (!('caller' in op)) return op;
  const caller: CallerSpec = op.caller.kind === 'user' ? { kind: 'user', user: op.caller.user % world.users.length } : op.caller;
  if (!('document' in op)) return { ...op, caller, collection: op.collection % world.collections.length };
  const document = op.document % Math.max(world.documents.length, 1);
  const collection = op.collection === null ? (world.documents[document]?.collection ?? 0) : op.collection % world.collections.length;
  return { ...op, caller, document, collection };
}

describe.each(PROVIDERS)('permission model, on %s', (provider) => {
  let t: TestGateway;
  beforeAll(async () => {
    // Every list takes a fresh read-set snapshot, so each answer goes through the snapshot's set list (test/api/read-sets.test.ts covers sets newer than a snapshot).
    // Hundreds of writes per user and guest a run: rate limits (tested in test/rate-limit) would refuse most.
    t = await startGateway(provider, { JWT_SECRET: TEST_JWT_SECRET, READ_SET_REFRESH_MS: '0', RATE_LIMITS_ENABLED: 'false' });
  });
  afterAll(async () => t?.close());

  it('answers every operation as the reference model does', { timeout: 300_000 }, async () => {
    let runs = 0;
    let operations = 0;
    const answers = new Map<string, number>();
    console.info(`[permission model] ${provider}: seed ${SEED}, ${RUNS} runs (FC_SEED / FC_RUNS to change)`);
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ world: generated, operations: ops }) => {
        const world = structuredClone(generated); // identity changes mutate it; fast-check may replay `generated`
        const live = new LiveWorld(t, `r${runs++}`);
        await live.create(world);
        const model = new Model(world);
        // Clamped one at a time: creates add documents later operations may address.
        for (const [i, generatedOp] of ops.entries()) {
          const op = clamp(generatedOp, world);
          const compared = await step(t, live, model, op);
          if (!compared) continue;
          operations++;
          const [actual, expected] = compared;
          tally(answers, op.kind, expected);
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            throw new Error(`operation ${i} ${JSON.stringify(op)}: API answered ${JSON.stringify(actual)}, model expects ${JSON.stringify(expected)}`);
          }
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    );
    console.info(`[permission model] ${provider}: ${runs} runs, ${operations} checked operations: ${JSON.stringify(Object.fromEntries([...answers].sort()))}`);
    expect(runs).toBeGreaterThanOrEqual(RUNS);
  });
});
