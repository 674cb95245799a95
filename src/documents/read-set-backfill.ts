import { quoteIdent, SqlParams } from '../db/dialect.ts';
import type { Database } from '../db/open.ts';
import type { SqlExecutor } from '../db/sql.ts';
import { createReadSetIndexStatement, createReadSetTableStatements, permissionsTableName, readSetColumn, readSetIndexName } from './ddl.ts';
import { tableName } from './model.ts';
import { lockReadSets, readSetOf } from './read-sets.ts';

/**
 * Gives documents written without a read set (by a gateway that predates read sets, or by a bulk load that
 * writes permission rows directly) the set their read permission rows make, in one transaction per collection.
 */

/** Documents per UPDATE: one bound value each, well under both providers' parameter limits. */
const DOCUMENTS_PER_UPDATE = 1000;

/** Returns how many documents got a read set. */
export async function backfillReadSets(sql: SqlExecutor, collectionSequence: number): Promise<number> {
  const documents = quoteIdent(tableName(collectionSequence));
  return sql.transaction(async (tx) => {
    const rows = await tx.query(
      `SELECT p."_document", p."_role" FROM ${quoteIdent(permissionsTableName(collectionSequence))} AS p JOIN ${documents} AS d ON d."_sequence" = p."_document" ` +
        `WHERE p."_action" = 'read' AND d."_readSet" IS NULL ORDER BY p."_document"`,
    );
    const rolesOf = new Map<string, { document: unknown; roles: string[] }>();
    for (const row of rows) {
      const id = String(row['_document']);
      const entry = rolesOf.get(id) ?? { document: row['_document'], roles: [] };
      entry.roles.push(row['_role'] as string);
      rolesOf.set(id, entry);
    }
    // Documents by role list first: each distinct list is looked up (or created) once, not once per document.
    const documentsOfList = new Map<string, { roles: string[]; documents: unknown[] }>();
    for (const { document, roles } of rolesOf.values()) {
      const list = JSON.stringify(roles.sort());
      const entry = documentsOfList.get(list) ?? { roles, documents: [] };
      entry.documents.push(document);
      documentsOfList.set(list, entry);
    }
    const documentsOfSet = new Map<number, unknown[]>();
    for (const { roles, documents: members } of documentsOfList.values()) {
      documentsOfSet.set((await readSetOf(tx, collectionSequence, roles.map((role) => ({ action: 'read', role }))))!, members);
    }
    for (const [set, members] of documentsOfSet) {
      for (let start = 0; start < members.length; start += DOCUMENTS_PER_UPDATE) {
        const params = new SqlParams(tx.dialect);
        const setValue = params.add(set);
        const list = members.slice(start, start + DOCUMENTS_PER_UPDATE).map((document) => params.add(document)).join(', ');
        await tx.execute(`UPDATE ${documents} SET "_readSet" = ${setValue} WHERE "_sequence" IN (${list})`, params.values);
      }
    }
    return rolesOf.size;
  });
}

async function hasReadSetColumn(sql: SqlExecutor, collectionSequence: number): Promise<boolean> {
  const rows =
    sql.dialect === 'sqlite'
      ? await sql.query(`SELECT 1 AS "found" FROM pragma_table_info(?) WHERE "name" = '_readSet'`, [tableName(collectionSequence)])
      : await sql.query(`SELECT 1 AS "found" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = '_readSet'`, [
          tableName(collectionSequence),
        ]);
  return rows.length > 0;
}

/** The names of every read-set index (the last step of an upgrade): one query, however many collections. */
async function readSetIndexNames(sql: SqlExecutor): Promise<Set<string>> {
  const rows =
    sql.dialect === 'sqlite'
      ? await sql.query(`SELECT "name" FROM sqlite_master WHERE "type" = 'index' AND "name" LIKE 'c%\\_readset' ESCAPE '\\'`)
      : await sql.query(`SELECT indexname AS "name" FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE 'c%\\_readset'`);
  return new Set(rows.map((row) => row['name'] as string));
}

/**
 * At start: collections created before read sets existed get the column, the tables and their documents' sets;
 * then the index on "_readSet" (collections made before it). Returns the collections upgraded.
 */
export async function upgradeCollectionTables(db: Database): Promise<number> {
  const indexed = await readSetIndexNames(db.sql);
  let upgraded = 0;
  for (const { sequence } of await db.prisma.collection.findMany({ select: { sequence: true } })) {
    if (indexed.has(readSetIndexName(sequence))) continue;
    const done = await db.sql.transaction(async (tx) => {
      // Instances starting together on one PostgreSQL database: one upgrades, the others find it done.
      if (tx.dialect === 'postgresql') await lockReadSets(tx, sequence);
      if ((await readSetIndexNames(tx)).has(readSetIndexName(sequence))) return false;
      if (!(await hasReadSetColumn(tx, sequence))) {
        await tx.execute(`ALTER TABLE ${quoteIdent(tableName(sequence))} ADD COLUMN ${readSetColumn(tx.dialect)}`);
        for (const statement of createReadSetTableStatements(tx.dialect, sequence)) await tx.execute(statement);
        await backfillReadSets(tx, sequence);
      }
      await tx.execute(createReadSetIndexStatement(sequence));
      return true;
    });
    if (done) upgraded++;
  }
  return upgraded;
}
