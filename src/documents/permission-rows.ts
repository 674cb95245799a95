import { SqlParams, quoteIdent } from '../db/dialect.ts';
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

/** SQL condition: the current document of the collection's table grants `action` to one of `roles`. */
export function grantedCondition(collectionSequence: number, action: string, roles: Iterable<string>): (params: SqlParams) => string {
  const perms = quoteIdent(permissionsTableName(collectionSequence));
  const documents = quoteIdent(tableName(collectionSequence));
  const list = [...roles];
  return (params) =>
    `EXISTS (SELECT 1 FROM ${perms} WHERE ${perms}."_document" = ${documents}."_sequence" AND ${perms}."_action" = ${params.add(action)} ` +
    `AND ${perms}."_role" IN (${list.map((role) => params.add(role)).join(', ')}))`;
}
