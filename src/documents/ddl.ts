import { placeholder, quoteIdent, type Dialect } from '../db/dialect.ts';
import {
  SYSTEM_COLUMNS,
  columnName,
  indexName,
  isSystemField,
  tableName,
  type AttributeDef,
  type CollectionShape,
  type IndexDef,
  type IndexOrder,
} from './model.ts';

/**
 * DDL for the per-collection document tables. Every name comes from internal sequence numbers, so no client
 * string is ever part of these statements. PostgreSQL text columns use the "C" collation: byte order, the same
 * as SQLite's BINARY, so sorting and cursors agree across providers and prefix LIKE can use a btree index.
 */

const TEXT: Record<Dialect, string> = { sqlite: 'TEXT', postgresql: 'TEXT COLLATE "C"' };

export function createTableStatements(dialect: Dialect, collectionSequence: number): string[] {
  const table = quoteIdent(tableName(collectionSequence));
  const sequence =
    dialect === 'sqlite' ? '"_sequence" INTEGER PRIMARY KEY AUTOINCREMENT' : '"_sequence" BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY';
  const tieBreak = dialect === 'sqlite' ? '' : ', "_sequence"';
  return [
    `CREATE TABLE ${table} (${sequence}, "_uid" ${TEXT[dialect]} NOT NULL, "_createdAt" ${TEXT[dialect]} NOT NULL, ` +
      `"_updatedAt" ${TEXT[dialect]} NOT NULL, "_permissions" TEXT NOT NULL DEFAULT '[]', ${readSetColumn(dialect)})`,
    `CREATE UNIQUE INDEX ${quoteIdent(`${tableName(collectionSequence)}_uid`)} ON ${table} ("_uid")`,
    // Ties break by _sequence: SQLite indexes end with the rowid anyway, PostgreSQL's need it spelled out.
    `CREATE INDEX ${quoteIdent(`${tableName(collectionSequence)}_created`)} ON ${table} ("_createdAt"${tieBreak})`,
    `CREATE INDEX ${quoteIdent(`${tableName(collectionSequence)}_updated`)} ON ${table} ("_updatedAt"${tieBreak})`,
    ...createPermissionsTableStatements(dialect, collectionSequence),
    ...createReadSetTableStatements(dialect, collectionSequence),
    createReadSetIndexStatement(collectionSequence),
  ];
}

/** The table holding one row per document × action × role, so read checks run as indexed SQL. */
export const permissionsTableName = (collectionSequence: number): string => `${tableName(collectionSequence)}_perms`;

/**
 * Document permissions as rows: the primary key serves "may this caller read document N" probes, the second
 * index "which documents may these roles read". Rows go with their document (ON DELETE CASCADE).
 */
function createPermissionsTableStatements(dialect: Dialect, collectionSequence: number): string[] {
  const perms = permissionsTableName(collectionSequence);
  const documentType = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  return [
    `CREATE TABLE ${quoteIdent(perms)} ("_document" ${documentType} NOT NULL REFERENCES ${quoteIdent(tableName(collectionSequence))} ("_sequence") ON DELETE CASCADE, ` +
      `"_action" ${TEXT[dialect]} NOT NULL, "_role" ${TEXT[dialect]} NOT NULL, PRIMARY KEY ("_document", "_action", "_role"))${dialect === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
    `CREATE INDEX ${quoteIdent(`${perms}_role`)} ON ${quoteIdent(perms)} ("_action", "_role", "_document")`,
  ];
}

/** The documents' read-set number (null: no read permission). */
export const readSetColumn = (dialect: Dialect): string => `"_readSet" ${dialect === 'sqlite' ? 'INTEGER' : 'BIGINT'}`;

export const readSetIndexName = (collectionSequence: number): string => `${tableName(collectionSequence)}_readset`;

/** Documents by read set: counts of the readable documents read one index range per readable set. */
export const createReadSetIndexStatement = (collectionSequence: number): string =>
  `CREATE INDEX ${quoteIdent(readSetIndexName(collectionSequence))} ON ${quoteIdent(tableName(collectionSequence))} ("_readSet")`;

export const readSetsTableName = (collectionSequence: number): string => `${tableName(collectionSequence)}_readsets`;
export const readSetRolesTableName = (collectionSequence: number): string => `${tableName(collectionSequence)}_readset_roles`;

/**
 * Read sets (see src/documents/read-sets.ts): each distinct list of read roles once, under a number the
 * documents carry in "_readSet", and which sets name which role. Rows are never changed, only added.
 */
export function createReadSetTableStatements(dialect: Dialect, collectionSequence: number): string[] {
  const sets = quoteIdent(readSetsTableName(collectionSequence));
  const id = dialect === 'sqlite' ? '"_set" INTEGER PRIMARY KEY AUTOINCREMENT' : '"_set" BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY';
  const setType = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const roles = readSetRolesTableName(collectionSequence);
  return [
    `CREATE TABLE ${sets} (${id}, "_roles" ${TEXT[dialect]} NOT NULL UNIQUE)`,
    `CREATE TABLE ${quoteIdent(roles)} ("_set" ${setType} NOT NULL REFERENCES ${sets} ("_set"), "_role" ${TEXT[dialect]} NOT NULL, ` +
      `PRIMARY KEY ("_set", "_role"))${dialect === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
    // "Which sets name one of these roles" (a caller's snapshot); the key serves "does this set name one".
    `CREATE INDEX ${quoteIdent(`${roles}_role`)} ON ${quoteIdent(roles)} ("_role", "_set")`,
  ];
}

export function dropTableStatements(collection: Pick<CollectionShape, 'sequence' | 'indexes'>, dialect: Dialect): string[] {
  // SQLite FTS shadow tables are separate tables and must go with their collection.
  const fts = dialect === 'sqlite' ? collection.indexes.filter((i) => i.type === 'fulltext').flatMap((i) => dropIndexStatements(dialect, collection.sequence, i)) : [];
  return [
    ...fts,
    `DROP TABLE IF EXISTS ${quoteIdent(permissionsTableName(collection.sequence))}`,
    `DROP TABLE IF EXISTS ${quoteIdent(readSetRolesTableName(collection.sequence))}`,
    `DROP TABLE IF EXISTS ${quoteIdent(readSetsTableName(collection.sequence))}`,
    `DROP TABLE IF EXISTS ${quoteIdent(tableName(collection.sequence))}`,
  ];
}

export function columnType(dialect: Dialect, attribute: Pick<AttributeDef, 'type' | 'array'>): string {
  if (attribute.array) return dialect === 'sqlite' ? 'TEXT' : 'JSONB';
  switch (attribute.type) {
    case 'integer':
      return dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
    case 'double':
      return dialect === 'sqlite' ? 'REAL' : 'DOUBLE PRECISION';
    case 'boolean':
      return dialect === 'sqlite' ? 'INTEGER' : 'BOOLEAN';
    case 'string':
    case 'datetime':
      return TEXT[dialect];
  }
}

/** New columns are nullable: defaults are applied by the server on write, required-ness by validation. */
export function addColumnStatement(dialect: Dialect, collectionSequence: number, attribute: AttributeDef): string {
  return `ALTER TABLE ${quoteIdent(tableName(collectionSequence))} ADD COLUMN ${quoteIdent(columnName(attribute))} ${columnType(dialect, attribute)}`;
}

export function dropColumnStatement(collectionSequence: number, attribute: Pick<AttributeDef, 'sequence'>): string {
  return `ALTER TABLE ${quoteIdent(tableName(collectionSequence))} DROP COLUMN ${quoteIdent(columnName(attribute))}`;
}

/** The SQL column behind an attribute key, system fields included; undefined for an unknown key. */
export function columnFor(collection: Pick<CollectionShape, 'attributeByKey'>, key: string): string | undefined {
  if (isSystemField(key)) return SYSTEM_COLUMNS[key];
  const attribute = collection.attributeByKey.get(key);
  return attribute ? columnName(attribute) : undefined;
}

const NOT_NULL_COLUMNS: ReadonlySet<string> = new Set(Object.values(SYSTEM_COLUMNS));

/**
 * ORDER BY term with NULLs always smallest (SQLite's native order), so both providers return the same order.
 * PostgreSQL indexes are built with the same NULLS placement, so they serve these sorts. System columns are
 * never NULL and take no NULLS clause: PostgreSQL would not match `ASC NULLS FIRST` to the primary key's
 * (or any plain) index and would sort the whole table instead.
 */
export function orderTerm(dialect: Dialect, column: string, order: IndexOrder): string {
  const quoted = quoteIdent(column);
  const direction = order === 'desc' ? 'DESC' : 'ASC';
  if (dialect === 'sqlite' || NOT_NULL_COLUMNS.has(column)) return `${quoted} ${direction}`;
  return `${quoted} ${direction} ${order === 'desc' ? 'NULLS LAST' : 'NULLS FIRST'}`;
}

/** Name of the SQLite FTS5 table that backs a fulltext index. */
export const ftsTableName = (collectionSequence: number, index: Pick<IndexDef, 'sequence'>): string =>
  `${indexName(collectionSequence, index.sequence)}_fts`;

/** The tsvector expression a PostgreSQL fulltext index is built on; queries must repeat it exactly. */
export function tsvectorExpression(columns: string[]): string {
  return `to_tsvector('simple', ${columns.map((c) => `coalesce(${quoteIdent(c)}, '')`).join(` || ' ' || `)})`;
}

export function createIndexStatements(
  dialect: Dialect,
  collection: Pick<CollectionShape, 'sequence' | 'attributeByKey'>,
  index: IndexDef,
): string[] {
  const table = quoteIdent(tableName(collection.sequence));
  const name = indexName(collection.sequence, index.sequence);
  const columns = index.attributes.map((key) => {
    const column = columnFor(collection, key);
    if (!column) throw new Error(`index ${index.key} names unknown attribute ${key}`);
    return column;
  });

  if (index.type === 'fulltext') {
    if (dialect === 'postgresql') return [`CREATE INDEX ${quoteIdent(name)} ON ${table} USING GIN (${tsvectorExpression(columns)})`];
    return sqliteFulltextStatements(table, ftsTableName(collection.sequence, index), columns);
  }

  const terms = columns.map((column, i) => orderTerm(dialect, column, index.orders[i] ?? 'asc'));
  // Lists break ties by _sequence; with it ending the index (ascending, like SQLite's implicit rowid) the index
  // delivers the whole ORDER BY and LIMIT queries stop early. Not on unique indexes: it would make every row unique.
  if (index.type !== 'unique' && !columns.includes('_sequence')) terms.push(orderTerm(dialect, '_sequence', 'asc'));
  // SQLite: after the unique _sequence the read set changes no order, and a list under a read check tests it
  // from the index, visiting only the rows it returns instead of every one it passes over.
  if (dialect === 'sqlite' && index.type !== 'unique') terms.push('"_readSet"');
  const unique = index.type === 'unique' ? 'UNIQUE ' : '';
  return [`CREATE ${unique}INDEX ${quoteIdent(name)} ON ${table} (${terms.join(', ')})`];
}

/** An external-content FTS5 table kept in step with the document table by triggers. */
function sqliteFulltextStatements(table: string, ftsName: string, columns: string[]): string[] {
  const fts = quoteIdent(ftsName);
  const cols = columns.map(quoteIdent).join(', ');
  const newValues = columns.map((c) => `new.${quoteIdent(c)}`).join(', ');
  const oldValues = columns.map((c) => `old.${quoteIdent(c)}`).join(', ');
  const trigger = (suffix: string) => quoteIdent(`${ftsName}_${suffix}`);
  return [
    `CREATE VIRTUAL TABLE ${fts} USING fts5(${cols}, content=${table}, content_rowid='_sequence')`,
    `INSERT INTO ${fts}(rowid, ${cols}) SELECT "_sequence", ${cols} FROM ${table}`,
    `CREATE TRIGGER ${trigger('ai')} AFTER INSERT ON ${table} BEGIN INSERT INTO ${fts}(rowid, ${cols}) VALUES (new."_sequence", ${newValues}); END`,
    `CREATE TRIGGER ${trigger('ad')} AFTER DELETE ON ${table} BEGIN INSERT INTO ${fts}(${fts}, rowid, ${cols}) VALUES ('delete', old."_sequence", ${oldValues}); END`,
    `CREATE TRIGGER ${trigger('au')} AFTER UPDATE OF ${cols} ON ${table} BEGIN ` +
      `INSERT INTO ${fts}(${fts}, rowid, ${cols}) VALUES ('delete', old."_sequence", ${oldValues}); ` +
      `INSERT INTO ${fts}(rowid, ${cols}) VALUES (new."_sequence", ${newValues}); END`,
  ];
}

export function dropIndexStatements(dialect: Dialect, collectionSequence: number, index: Pick<IndexDef, 'sequence' | 'type'>): string[] {
  const name = indexName(collectionSequence, index.sequence);
  if (dialect === 'sqlite' && index.type === 'fulltext') {
    const fts = ftsTableName(collectionSequence, index);
    return [
      ...['ai', 'ad', 'au'].map((suffix) => `DROP TRIGGER IF EXISTS ${quoteIdent(`${fts}_${suffix}`)}`),
      `DROP TABLE IF EXISTS ${quoteIdent(fts)}`,
    ];
  }
  return [`DROP INDEX IF EXISTS ${quoteIdent(name)}`];
}

/** Sets every existing document's value of a new attribute (its default); the value is parameter 1. */
export function backfillStatement(dialect: Dialect, collectionSequence: number, attribute: Pick<AttributeDef, 'sequence'>): string {
  return `UPDATE ${quoteIdent(tableName(collectionSequence))} SET ${quoteIdent(columnName(attribute))} = ${placeholder(dialect, 1)}`;
}

/**
 * A query returning a row when some document holds a string (or, for arrays, an element) longer than
 * parameter 1 characters: shrinking a string attribute is refused then.
 */
export function longerThanStatement(dialect: Dialect, collectionSequence: number, attribute: Pick<AttributeDef, 'sequence' | 'array'>): string {
  const table = quoteIdent(tableName(collectionSequence));
  const column = quoteIdent(columnName(attribute));
  const size = placeholder(dialect, 1);
  if (!attribute.array) {
    return `SELECT 1 AS "found" FROM ${table} WHERE ${dialect === 'sqlite' ? 'length' : 'char_length'}(${column}) > ${size} LIMIT 1`;
  }
  const longElement =
    dialect === 'sqlite'
      ? `EXISTS (SELECT 1 FROM json_each(${column}) WHERE length(value) > ${size})`
      : `EXISTS (SELECT 1 FROM jsonb_array_elements_text(${column}) AS element WHERE char_length(element) > ${size})`;
  return `SELECT 1 AS "found" FROM ${table} WHERE ${longElement} LIMIT 1`;
}
