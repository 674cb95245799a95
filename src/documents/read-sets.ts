import { placeholder, quoteIdent, SqlParams, type Dialect } from '../db/dialect.ts';
import type { SqlExecutor } from '../db/sql.ts';
import type { Permission } from '../permissions/permission.ts';
import { readSetRolesTableName, readSetsTableName } from './ddl.ts';
import { tableName } from './model.ts';
import { grantedCondition, roleListParam, roleMatch } from './permission-rows.ts';

/**
 * Read sets: every distinct list of read roles of a collection's documents is stored once, numbered, and each
 * document carries its list's number ("_readSet"). A list then tests a scanned document with one comparison
 * against the numbers of the sets naming one of the caller's roles, instead of probing the permission rows of
 * every document it passes over (nine in ten when a tenth is readable). Those numbers are remembered per
 * caller role set and collection (ReadSetCache); sets numbered after the snapshot fall back to the probe, so a
 * stale snapshot costs time, never a wrong answer. Sets never change and are never removed (a set no
 * document uses any more stays: their count is bounded by the distinct permission lists ever written).
 */

/** PostgreSQL advisory lock namespace ("RSET") for numbering new sets of a collection in commit order. */
const NUMBERING_LOCK = 0x52534554;

/** PostgreSQL: the collection's read sets are changed by one transaction at a time, until it ends. */
export async function lockReadSets(sql: SqlExecutor, collectionSequence: number): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock($1, $2)', [NUMBERING_LOCK, collectionSequence]);
}

const canonicalReadRoles = (permissions: readonly Permission[]): string[] =>
  [...new Set(permissions.filter((p) => p.action === 'read').map((p) => p.role))].sort();

/**
 * The number of the read set of `permissions` (null: they grant no read), created if new; call inside the
 * transaction writing the documents. On PostgreSQL new sets are numbered under a per-collection lock held to
 * commit, so a set is visible before any set with a higher number: snapshots rely on that.
 */
export async function readSetOf(sql: SqlExecutor, collectionSequence: number, permissions: readonly Permission[]): Promise<number | null> {
  const roles = canonicalReadRoles(permissions);
  if (!roles.length) return null;
  const key = JSON.stringify(roles);
  const sets = quoteIdent(readSetsTableName(collectionSequence));
  const find = `SELECT "_set" FROM ${sets} WHERE "_roles" = ${placeholder(sql.dialect, 1)}`;
  const [found] = await sql.query(find, [key]);
  if (found) return Number(found['_set']);
  if (sql.dialect === 'postgresql') await lockReadSets(sql, collectionSequence);
  const [created] = await sql.query(`INSERT INTO ${sets} ("_roles") VALUES (${placeholder(sql.dialect, 1)}) ON CONFLICT ("_roles") DO NOTHING RETURNING "_set"`, [key]);
  // Nothing returned: another transaction created the set while this one waited for the lock.
  if (!created) return Number((await sql.query(find, [key]))[0]!['_set']);
  const set = Number(created['_set']);
  const values = roles.map((_, i) => `(${placeholder(sql.dialect, 2 * i + 1)}, ${placeholder(sql.dialect, 2 * i + 2)})`).join(', ');
  await sql.execute(`INSERT INTO ${quoteIdent(readSetRolesTableName(collectionSequence))} ("_role", "_set") VALUES ${values}`, roles.flatMap((role) => [role, set]));
  return set;
}

/** The sets naming one of a caller's roles, as numbered up to `upTo`; `sets` null when there are too many to list. */
export interface ReadSetSnapshot {
  upTo: number;
  sets: readonly number[] | null;
  /** `sets` as JSON, for SQLite's json_each. */
  json: string;
  /** `sets` as a PostgreSQL array literal. */
  arrayLiteral: string;
  takenAt: number;
}

export interface ReadSetCacheOptions {
  /** How long a snapshot serves before it is taken again (newer sets are probed meanwhile). */
  refreshMs: number;
  /** Beyond this many readable sets the list is longer to ship than probing is to run: probe only. */
  maxSets: number;
}

const DEFAULT_OPTIONS: ReadSetCacheOptions = { refreshMs: 1000, maxSets: 1000 };

async function takeSnapshot(sql: SqlExecutor, collectionSequence: number, roles: ReadonlySet<string>, maxSets: number, takenAt: number): Promise<ReadSetSnapshot> {
  // The highest number first: every set up to it is committed by then (see readSetOf), so the list below misses none.
  const [top] = await sql.query(`SELECT MAX("_set") AS "upTo" FROM ${quoteIdent(readSetsTableName(collectionSequence))}`);
  const upTo = Number(top?.['upTo'] ?? 0);
  const params = new SqlParams(sql.dialect);
  const rows = await sql.query(
    `SELECT DISTINCT "_set" FROM ${quoteIdent(readSetRolesTableName(collectionSequence))} WHERE ${roleMatch(params, '"_role"', roles)} ` +
      `AND "_set" <= ${params.add(upTo)} LIMIT ${params.add(maxSets + 1)}`,
    params.values,
    // One index probe per role: a plan kept for a short role list would scan every set for a long one.
    { plan: 'custom' },
  );
  const sets = rows.length > maxSets ? null : rows.map((row) => Number(row['_set']));
  const list = (sets ?? []).join(',');
  return { upTo, sets, json: `[${list}]`, arrayLiteral: `{${list}}`, takenAt };
}

/** Read-set snapshots per caller role set (the identity cache hands out one set per user state) and collection. */
export class ReadSetCache {
  private readonly snapshots = new WeakMap<ReadonlySet<string>, Map<number, ReadSetSnapshot>>();
  private readonly options: ReadSetCacheOptions;

  constructor(
    private readonly now: () => number,
    options: Partial<ReadSetCacheOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  async snapshot(sql: SqlExecutor, collectionSequence: number, roles: ReadonlySet<string>): Promise<ReadSetSnapshot> {
    let byCollection = this.snapshots.get(roles);
    if (!byCollection) this.snapshots.set(roles, (byCollection = new Map()));
    const cached = byCollection.get(collectionSequence);
    const now = this.now();
    if (cached && now - cached.takenAt < this.options.refreshMs) return cached;
    const taken = await takeSnapshot(sql, collectionSequence, roles, this.options.maxSets, now);
    byCollection.set(collectionSequence, taken);
    return taken;
  }
}

/**
 * The two halves of the read condition on `column` ("_readSet", or SQLite's `+"_readSet"` to keep an index on
 * it out of a page's plan): the document's set is one the snapshot lists; or it is numbered after the snapshot
 * and names one of the roles. Called in statement order: SQLite's placeholders are positional.
 */
function readSetTerms(collectionSequence: number, roles: ReadonlySet<string>, snapshot: ReadSetSnapshot, column: string) {
  const setRoles = quoteIdent(readSetRolesTableName(collectionSequence));
  const set = column.replace(/^\+/, '');
  return {
    listed: (params: SqlParams) =>
      params.dialect === 'sqlite'
        ? `${column} IN (SELECT "value" FROM json_each(${params.add(snapshot.json)}))`
        : // A subquery: PostgreSQL plans a constant array element by element, which for hundreds of sets costs more than the page.
          `${column} IN (SELECT unnest(${params.add(snapshot.arrayLiteral)}::bigint[]))`,
    newer: (params: SqlParams) => {
      const after = params.add(snapshot.upTo);
      const namesRole =
        params.dialect === 'sqlite'
          ? roleMatch(params, `+${setRoles}."_role"`, roles)
          : `${setRoles}."_role" IN (SELECT unnest(${params.add(roleListParam('postgresql', roles))}::text[]))`;
      return `(${column} > ${after} AND EXISTS (SELECT 1 FROM ${setRoles} WHERE ${setRoles}."_set" = ${set} AND ${namesRole}))`;
    },
  };
}

/**
 * SQL condition: the collection's current document grants read to one of `roles` (see readSetTerms). Too
 * many sets to list: the permission rows are probed instead.
 */
export function readCondition(collectionSequence: number, roles: ReadonlySet<string>, snapshot: ReadSetSnapshot): (params: SqlParams) => string {
  if (snapshot.sets === null) return grantedCondition(collectionSequence, 'read', roles);
  const column = `${quoteIdent(tableName(collectionSequence))}."_readSet"`;
  return (params) => {
    // SQLite: the unary + keeps the planner from turning the lists into one lookup per element: a page is read
    // in its order's index, whose keys end with "_readSet".
    const { listed, newer } = readSetTerms(collectionSequence, roles, snapshot, params.dialect === 'sqlite' ? `+${column}` : column);
    return `(${listed(params)} OR ${newer(params)})`;
  };
}

/**
 * Counts up to `cap` documents `roles` may read, with no other filter: each listed set is a range of the
 * "_readSet" index (index-only, so the cost follows the readable documents, not the collection), then the sets
 * numbered after the snapshot. Null when the snapshot lists no sets (too many): the caller probes instead.
 */
export function countReadableSql(dialect: Dialect, collectionSequence: number, roles: ReadonlySet<string>, snapshot: ReadSetSnapshot, cap: number): { sql: string; params: unknown[] } | null {
  if (snapshot.sets === null) return null;
  const table = quoteIdent(tableName(collectionSequence));
  const { listed, newer } = readSetTerms(collectionSequence, roles, snapshot, `${table}."_readSet"`);
  const params = new SqlParams(dialect);
  const sql =
    `SELECT COUNT(*) AS "total" FROM (SELECT 1 FROM ${table} WHERE ${listed(params)} ` +
    `UNION ALL SELECT 1 FROM ${table} WHERE ${newer(params)} LIMIT ${params.add(cap)}) AS "readable"`;
  return { sql, params: params.values };
}
