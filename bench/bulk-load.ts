import { quoteIdent, SqlParams, type Dialect } from '../src/db/dialect.ts';
import { openDatabase, type Database } from '../src/db/open.ts';
import type { SqlExecutor } from '../src/db/sql.ts';
import { permissionsTableName } from '../src/documents/ddl.ts';
import { backfillReadSets } from '../src/documents/read-set-backfill.ts';
import { columnName, tableName } from '../src/documents/model.ts';
import { formatPermission } from '../src/permissions/permission.ts';
import type { BenchCollection } from './create-collections.ts';
import { seedDocument, type SeedDocument } from './dataset.ts';

/**
 * Fills the collections the API created, straight into their tables: multi-row INSERTs in one transaction
 * per collection (with their permission rows when the collection has document security), then fresh planner
 * statistics. Table and column names come from the metadata the gateway wrote, so this follows the gateway's
 * real layout.
 */

/** 7 bound values a row: far below SQLite's 32766 and PostgreSQL's 65535 parameters per statement. */
const ROWS_PER_STATEMENT = 1000;

// A bulk load leaves PostgreSQL tables unvacuumed; autovacuum would get to them mid-measurement. VACUUM
// ANALYZE leaves them as autovacuum eventually would, with index-only scans usable.
const ANALYZE: Record<Dialect, (table: string) => string> = {
  sqlite: (table) => `ANALYZE ${table}`,
  postgresql: (table) => `VACUUM ANALYZE ${table}`,
};

const VERSION: Record<Dialect, string> = {
  sqlite: `SELECT 'SQLite ' || sqlite_version() AS "version"`,
  postgresql: `SELECT 'PostgreSQL ' || current_setting('server_version') AS "version"`,
};

export interface LoadTiming {
  size: number;
  /** Whether permission rows were written too (a document-security collection). */
  withPermissions: boolean;
  /** Inserting the rows plus ANALYZE. */
  seconds: number;
}

export interface BulkLoadResult {
  timings: LoadTiming[];
  /** E.g. "SQLite 3.53.2", for the report. */
  databaseVersion: string;
}

interface DocumentTable {
  table: string;
  /** Column list, in the order of `rowValues`. */
  columns: string;
  /** The document-per-action-per-role table (src/documents/ddl.ts). */
  permissionsTable: string;
  /** The collection's sequence number, which names its tables. */
  sequence: number;
}

/** The `_permissions` JSON the gateway stores and answers: one read permission, or none. */
const permissionsJson = (readRole: string | undefined): string =>
  JSON.stringify(readRole === undefined ? [] : [formatPermission({ action: 'read', role: readRole })]);

const rowValues = (d: SeedDocument, readRole: string | undefined): unknown[] => [d.id, d.at, d.at, permissionsJson(readRole), d.category, d.score, d.title];

async function documentTable(db: Database, collection: BenchCollection): Promise<DocumentTable> {
  const row = await db.prisma.collection.findFirstOrThrow({
    where: { id: collection.collectionId, database: { id: collection.databaseId } },
    select: { sequence: true, attributes: { select: { key: true, sequence: true } } },
  });
  const column = (key: string) => {
    const attribute = row.attributes.find((a) => a.key === key);
    if (!attribute) throw new Error(`collection ${collection.collectionId} has no attribute ${key}`);
    return columnName(attribute);
  };
  const columns = ['_uid', '_createdAt', '_updatedAt', '_permissions', column('category'), column('score'), column('title')];
  return {
    table: quoteIdent(tableName(row.sequence)),
    columns: columns.map(quoteIdent).join(', '),
    permissionsTable: quoteIdent(permissionsTableName(row.sequence)),
    sequence: row.sequence,
  };
}

/**
 * The read rows of documents `start`…`end-1`, already inserted: their `_sequence` is looked up by `_uid` in the
 * same statement (an unaliased VALUES list names its columns column1, column2… on both providers).
 */
async function insertReadRows(tx: SqlExecutor, target: DocumentTable, start: number, end: number, readRoleOf: (index: number) => string): Promise<void> {
  const params = new SqlParams(tx.dialect);
  const tuples: string[] = [];
  for (let index = start; index < end; index++) tuples.push(`(${params.add(seedDocument(index).id)}, ${params.add(readRoleOf(index))})`);
  await tx.execute(
    `INSERT INTO ${target.permissionsTable} ("_document", "_action", "_role") SELECT d."_sequence", 'read', v.column2 ` +
      `FROM (VALUES ${tuples.join(', ')}) AS v JOIN ${target.table} AS d ON d."_uid" = v.column1`,
    params.values,
  );
}

/** Rows 0…size-1 in index order, so that `_sequence` follows the index (bench/dataset.ts relies on it). */
async function insertDocuments(sql: SqlExecutor, target: DocumentTable, collection: BenchCollection): Promise<void> {
  const { size, readRoleOf } = collection;
  await sql.transaction(async (tx) => {
    for (let start = 0; start < size; start += ROWS_PER_STATEMENT) {
      const end = Math.min(size, start + ROWS_PER_STATEMENT);
      const params = new SqlParams(tx.dialect);
      const tuples: string[] = [];
      for (let index = start; index < end; index++) {
        tuples.push(`(${rowValues(seedDocument(index), readRoleOf?.(index)).map((value) => params.add(value)).join(', ')})`);
      }
      await tx.execute(`INSERT INTO ${target.table} (${target.columns}) VALUES ${tuples.join(', ')}`, params.values);
      if (readRoleOf) await insertReadRows(tx, target, start, end, readRoleOf);
    }
  });
}

export async function bulkLoad(databaseUrl: string, dialect: Dialect, collections: readonly BenchCollection[]): Promise<BulkLoadResult> {
  const db = await openDatabase(databaseUrl, dialect);
  try {
    const timings: LoadTiming[] = [];
    for (const collection of collections) {
      const started = performance.now();
      const target = await documentTable(db, collection);
      await insertDocuments(db.sql, target, collection);
      // The rows above carry no read set: the gateway's own backfill numbers them, as it does for old tables.
      if (collection.readRoleOf) await backfillReadSets(db.sql, target.sequence);
      await db.sql.execute(ANALYZE[dialect](target.table));
      if (collection.readRoleOf) await db.sql.execute(ANALYZE[dialect](target.permissionsTable));
      timings.push({ size: collection.size, withPermissions: collection.readRoleOf !== undefined, seconds: (performance.now() - started) / 1000 });
    }
    const [version] = await db.sql.query(VERSION[dialect]);
    return { timings, databaseVersion: String(version?.['version']) };
  } finally {
    await db.close();
  }
}
