import { SqlParams, quoteIdent, type Dialect } from '../db/dialect.ts';
import type { SqlExecutor } from '../db/sql.ts';
import type { Permission } from '../permissions/permission.ts';
import { permissionsTableName } from './ddl.ts';
import { tableName } from './model.ts';

/**
 * Keeps a collection's permission rows (see ddl.ts) in step with its documents, inside the caller's
 * transaction, and builds the read condition lists use.
 */

/** Rows per INSERT: three parameters each, well under both providers' parameter limits. */
const ROWS_PER_INSERT = 300;

/** Replaces the permission rows of the given documents with `permissions` (the same for each). */
export async function writePermissionRows(
  sql: SqlExecutor,
  collectionSequence: number,
  documents: readonly unknown[],
  permissions: readonly Permission[],
  replacing: boolean,
): Promise<void> {
  const table = quoteIdent(permissionsTableName(collectionSequence));
  if (replacing && documents.length) {
    const params = new SqlParams(sql.dialect);
    await sql.execute(`DELETE FROM ${table} WHERE "_document" IN (${documents.map((d) => params.add(d)).join(', ')})`, params.values);
  }
  const rows = documents.flatMap((document) => permissions.map((p) => [document, p.action, p.role] as const));
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const params = new SqlParams(sql.dialect);
    const values = rows
      .slice(start, start + ROWS_PER_INSERT)
      .map(([document, action, role]) => `(${params.add(document)}, ${params.add(action)}, ${params.add(role)})`)
      .join(', ');
    await sql.execute(`INSERT INTO ${table} ("_document", "_action", "_role") VALUES ${values}`, params.values);
  }
}

const roleListParams = { sqlite: new WeakMap<ReadonlySet<string>, string>(), postgresql: new WeakMap<ReadonlySet<string>, string>() };

/** A PostgreSQL array literal of strings, each quoted and escaped. */
const textArrayLiteral = (values: Iterable<string>): string => `{${[...values].map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;

/**
 * The role list as one bound value, whatever its length: JSON unpacked by json_each on SQLite, a text array
 * literal on PostgreSQL. Encoded once per role set (the identity cache hands out the same set per user state):
 * a user in 50 teams has over 150 roles, and the driver would escape each on every request.
 */
export function roleListParam(dialect: Dialect, roles: ReadonlySet<string>): string {
  const cache = roleListParams[dialect];
  let encoded = cache.get(roles);
  if (encoded === undefined) cache.set(roles, (encoded = dialect === 'sqlite' ? JSON.stringify([...roles]) : textArrayLiteral(roles)));
  return encoded;
}

/**
 * `column` is one of `roles`. Statements stay the same text for every caller (one cached statement), and
 * neither provider pays per-parameter costs for a user with hundreds of roles (PostgreSQL plans hundreds of
 * parameters slowly; SQLite binds each).
 */
export function roleMatch(params: SqlParams, column: string, roles: ReadonlySet<string>): string {
  if (params.dialect === 'postgresql') return `${column} = ANY(${params.add(roleListParam('postgresql', roles))}::text[])`;
  return `${column} IN (SELECT "value" FROM json_each(${params.add(roleListParam('sqlite', roles))}))`;
}

/**
 * SQL condition: the current document of the collection's table grants `action` to one of `roles`. Each
 * scanned document's few permission rows are looked up through the primary key (document, action) and tested
 * against the role list; on SQLite the unary + keeps the role list from turning one lookup per document into
 * one per role.
 */
export function grantedCondition(collectionSequence: number, action: string, roles: ReadonlySet<string>): (params: SqlParams) => string {
  const perms = quoteIdent(permissionsTableName(collectionSequence));
  const documents = quoteIdent(tableName(collectionSequence));
  return (params) => {
    const role = params.dialect === 'sqlite' ? `+${perms}."_role"` : `${perms}."_role"`;
    return (
      `EXISTS (SELECT 1 FROM ${perms} WHERE ${perms}."_document" = ${documents}."_sequence" AND ${perms}."_action" = ${params.add(action)} ` +
      `AND ${roleMatch(params, role, roles)})`
    );
  };
}

/**
 * Counts (up to `cap`) the documents granting `action` to one of `roles`, from the role index alone: without
 * filters, walking the documents and probing each would read ten rows per match when one in ten is granted.
 * Every permission row belongs to an existing document (foreign key), so the documents table is not read.
 */
export function countGrantedSql(dialect: Dialect, collectionSequence: number, action: string, roles: ReadonlySet<string>, cap: number): { sql: string; params: unknown[] } {
  const params = new SqlParams(dialect);
  const perms = quoteIdent(permissionsTableName(collectionSequence));
  const sql =
    `SELECT COUNT(*) AS "total" FROM (SELECT DISTINCT "_document" FROM ${perms} WHERE "_action" = ${params.add(action)} ` +
    `AND ${roleMatch(params, '"_role"', roles)} LIMIT ${params.add(cap)}) AS "granted"`;
  return { sql, params: params.values };
}
