import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST_ROLES } from '../../src/auth/caller.ts';
import { readSetIndexName, readSetRolesTableName, readSetsTableName } from '../../src/documents/ddl.ts';
import { tableName } from '../../src/documents/model.ts';
import { upgradeCollectionTables } from '../../src/documents/read-set-backfill.ts';
import { roleListParam } from '../../src/documents/permission-rows.ts';
import { ReadSetCache } from '../../src/documents/read-sets.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';

warnIfPostgresSkipped('read sets');

/**
 * Lists under document security test each document's read set against a snapshot of the caller's readable
 * sets (src/documents/read-sets.ts). A snapshot may be older than the newest sets: those documents must still
 * be answered exactly, and collections made before read sets existed are upgraded at start.
 */
describe.each(PROVIDERS)('read sets on %s', (provider) => {
  let t: TestGateway;
  let clock = 1_800_000_000_000;
  let sequence = 0;

  const create = (collectionId: string, documentId: string, permissions: string[]) =>
    t.ok('mutation($c: String!, $d: String!, $p: [String!]) { databasesCreateDocument(databaseId: "db", collectionId: $c, documentId: $d, data: {n: 1}, permissions: $p) { _id } }', {
      c: collectionId,
      d: documentId,
      p: permissions,
    });
  const guestList = async (collectionId: string) => {
    const data = await t.ok('query($c: String!) { databasesListDocuments(databaseId: "db", collectionId: $c) { total documents { _id } } }', { c: collectionId }, { key: null });
    return { total: data.databasesListDocuments.total as number, ids: (data.databasesListDocuments.documents as { _id: string }[]).map((d) => d._id) };
  };
  const addAttribute = (collectionId: string) =>
    t.ok('mutation($c: String!) { databasesCreateIntegerAttribute(databaseId: "db", collectionId: $c, key: "n", required: false) { key } }', { c: collectionId });
  const snapshot = () => t.gateway.services.catalog.readSets.snapshot(t.db.sql, sequence, GUEST_ROLES);

  beforeAll(async () => {
    t = await startGateway(provider, {}, () => clock);
    await t.ok('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }');
    await t.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "c", name: "c", documentSecurity: true) { _id } }');
    await addAttribute('c');
    sequence = (await t.gateway.services.catalog.cache.get('db', 'c'))!.collection.sequence;
  });
  afterAll(async () => t?.close());

  it('answers from a snapshot, and finds documents whose sets are newer than it', async () => {
    await create('c', 'open', ['read("any")']);
    await create('c', 'private', ['read("user:someone")']);
    expect(await guestList('c')).toEqual({ total: 1, ids: ['open'] });
    const before = await snapshot();
    expect(before.sets).toHaveLength(1);

    // A new set while the clock stands still: the snapshot is kept, the document is found through its set's roles.
    await create('c', 'guests', ['read("guests")', 'update("any")']);
    expect(await snapshot()).toBe(before);
    expect(await guestList('c')).toEqual({ total: 2, ids: ['open', 'guests'] });

    clock += 1001;
    const after = await snapshot();
    expect(after.upTo).toBeGreaterThan(before.upTo);
    expect(after.sets).toHaveLength(2);
    expect(await guestList('c')).toEqual({ total: 2, ids: ['open', 'guests'] });

    // A document moving to a set the guest may not read leaves the list at once.
    await t.ok('mutation { databasesUpdateDocument(databaseId: "db", collectionId: "c", documentId: "guests", permissions: ["read(\\"user:someone\\")"]) { _id } }');
    expect(await guestList('c')).toEqual({ total: 1, ids: ['open'] });
  });

  it('probes the permission rows when a caller can read more sets than a snapshot lists', async () => {
    const catalog = t.gateway.services.catalog;
    const standard = catalog.readSets;
    catalog.readSets = new ReadSetCache(() => clock, { maxSets: 1 });
    try {
      await create('c', 'labelled', ['read("any")', 'read("label:x")']);
      expect((await snapshot()).sets).toBeNull();
      expect(await guestList('c')).toEqual({ total: 2, ids: ['open', 'labelled'] });
    } finally {
      catalog.readSets = standard;
    }
  });

  it('binds role lists as one value that reads back exactly', async () => {
    const roles = new Set(['any', 'user:a"b', 'team:c\\d/owner', 'label:x,y', 'member:{m}']);
    const param = roleListParam(provider, roles);
    const [row] =
      provider === 'sqlite'
        ? await t.db.sql.query(`SELECT json_group_array("value") AS "roles" FROM json_each(?)`, [param])
        : await t.db.sql.query(`SELECT array_to_json($1::text[])::text AS "roles"`, [param]);
    expect(JSON.parse(row!['roles'] as string)).toEqual([...roles]);
  });

  it('upgrades a collection made before read sets: column, tables and every document its set', async () => {
    await t.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "old", name: "old", documentSecurity: true) { _id } }');
    await addAttribute('old');
    const old = (await t.gateway.services.catalog.cache.get('db', 'old'))!.collection.sequence;
    await create('old', 'a', ['read("any")']);
    await create('old', 'b', ['read("guests")', 'read("any")']);
    await create('old', 'c', ['read("user:someone")']);
    await create('old', 'd', ['update("any")']);
    // The layout an earlier gateway made.
    await t.db.sql.execute(`DROP INDEX "${readSetIndexName(old)}"`);
    await t.db.sql.execute(`DROP TABLE "${readSetRolesTableName(old)}"`);
    await t.db.sql.execute(`DROP TABLE "${readSetsTableName(old)}"`);
    await t.db.sql.execute(`ALTER TABLE "${tableName(old)}" DROP COLUMN "_readSet"`);

    expect(await upgradeCollectionTables(t.db)).toBe(1);
    expect(await upgradeCollectionTables(t.db)).toBe(0);
    const rows = await t.db.sql.query(`SELECT "_uid", "_readSet" FROM "${tableName(old)}" ORDER BY "_sequence"`);
    const setOf = Object.fromEntries(rows.map((r) => [r['_uid'], r['_readSet'] === null ? null : Number(r['_readSet'])]));
    expect(setOf['d']).toBeNull();
    expect(new Set([setOf['a'], setOf['b'], setOf['c']]).size).toBe(3);
    const sets = await t.db.sql.query(`SELECT "_roles" FROM "${readSetsTableName(old)}" ORDER BY "_set"`);
    expect(sets.map((r) => JSON.parse(r['_roles'] as string)).sort()).toEqual([['any'], ['any', 'guests'], ['user:someone']].sort());
    clock += 1001;
    expect(await guestList('old')).toEqual({ total: 2, ids: ['a', 'b'] });
  });

  it('gives a collection with read sets but no read-set index its index, keeping the sets', async () => {
    await t.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "unindexed", name: "unindexed", documentSecurity: true) { _id } }');
    await addAttribute('unindexed');
    const sequence = (await t.gateway.services.catalog.cache.get('db', 'unindexed'))!.collection.sequence;
    await create('unindexed', 'a', ['read("any")']);
    await create('unindexed', 'b', ['read("user:someone")']);
    const before = await t.db.sql.query(`SELECT "_uid", "_readSet" FROM "${tableName(sequence)}" ORDER BY "_sequence"`);
    await t.db.sql.execute(`DROP INDEX "${readSetIndexName(sequence)}"`);

    expect(await upgradeCollectionTables(t.db)).toBe(1);
    expect(await upgradeCollectionTables(t.db)).toBe(0);
    expect(await t.db.sql.query(`SELECT "_uid", "_readSet" FROM "${tableName(sequence)}" ORDER BY "_sequence"`)).toEqual(before);
    clock += 1001;
    expect(await guestList('unindexed')).toEqual({ total: 1, ids: ['a'] });
  });
});
