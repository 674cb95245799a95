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

/**
 * SQL condition: the current document of the collection's table grants `action` to one of `roles`.
 * `probe` (pages) checks each scanned document through the primary key (document, action) — its few rows are
 * tested against the role list; on SQLite the unary + keeps the role list from turning one lookup per document
 * into one per role. `set` (counts) starts from the role index instead: the readable documents are gathered
 * once, which beats probing when a count must scan far past the first page.
 */
export function grantedCondition(
  dialect: Dialect,
  collectionSequence: number,
  action: string,
  roles: Iterable<string>,
  form: 'probe' | 'set',
): (params: SqlParams) => string {
  const perms = quoteIdent(permissionsTableName(collectionSequence));
  const documents = quoteIdent(tableName(collectionSequence));
  const list = [...roles];
  const roleList = (params: SqlParams) => list.map((role) => params.add(role)).join(', ');
  if (form === 'set') {
    return (params) =>
      `${documents}."_sequence" IN (SELECT "_document" FROM ${perms} WHERE "_action" = ${params.add(action)} AND "_role" IN (${roleList(params)}))`;
  }
  const role = dialect === 'sqlite' ? `+${perms}."_role"` : `${perms}."_role"`;
  return (params) =>
    `EXISTS (SELECT 1 FROM ${perms} WHERE ${perms}."_document" = ${documents}."_sequence" AND ${perms}."_action" = ${params.add(action)} ` +
    `AND ${role} IN (${roleList(params)}))`;
}
