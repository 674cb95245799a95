import type { Caller } from '../auth/caller.ts';
import { placeholder, quoteIdent, SqlParams } from '../db/dialect.ts';
import { isProgramLimitExceeded, uniqueViolationTarget } from '../db/errors.ts';
import type { SqlExecutor, SqlRow } from '../db/sql.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { requireCollection, timestamp, type Catalog } from '../metadata/catalog.ts';
import type { LoadedCollection } from '../metadata/records.ts';
import { assertGrantable, collectionGrants, documentGrants, readCheck, type ReadCheck } from '../permissions/document-access.ts';
import { defaultDocumentPermissions } from '../permissions/roles.ts';
import { DOCUMENT_ACTIONS, formatPermission, parsePermissions, type Action, type Permission } from '../permissions/permission.ts';
import { validateDocumentData } from '../validation/document-data.ts';
import { isValidId, resolveId, UID_RULE, validateId } from '../validation/ids.ts';
import { INT64_MAX, INT64_MIN } from '../validation/values.ts';
import { encodeScalar, encodeValue } from './codec.ts';
import { countGrantedSql, writePermissionRows } from './permission-rows.ts';
import { countReadableSql, readSetOf } from './read-sets.ts';
import { columnName, tableName, type AttributeDef, type CollectionShape } from './model.ts';
import type { ParsedQueries } from './queries/ast.ts';
import { buildCountSql, buildListSql } from './queries/compile.ts';
import { parseQueries } from './queries/parse.ts';
import { toDocument, type DocumentOut } from './rows.ts';

/**
 * Document operations. Every read, filter, sort, page and count runs as SQL on the collection's own table;
 * writes are validated against the collection's attributes first, and each operation is atomic.
 */

export interface DocumentContext {
  catalog: Catalog;
  caller: Caller;
  limits: { countLimit: number; maxListLimit: number; maxOffset: number };
}

/** Which collection an operation addresses. */
export interface CollectionAddress {
  databaseId: string;
  collectionId: string;
}

export interface DocumentAddress extends CollectionAddress {
  documentId: string;
}

/** A single-document write, as the GraphQL arguments carry it. */
export interface DocumentWrite extends DocumentAddress {
  data?: unknown;
  permissions?: readonly string[] | null;
}

export interface DocumentPage {
  documents: DocumentOut[];
  /** Counts the matches (capped), run only when the client asks for `total`. */
  total: () => Promise<number>;
}

const notFound = () => new AppwriteError('document_not_found', 'Document with the requested ID could not be found.');
const unauthorized = () => new AppwriteError('user_unauthorized', 'The current user is not authorized to perform the requested action.');

/** Bulk operations read and write at most this many documents per request. */
export const MAX_BATCH = 1000;

/** The collection, invisible to non-key callers while it or its database is disabled. */
async function openCollection(ctx: DocumentContext, { databaseId, collectionId }: CollectionAddress): Promise<LoadedCollection> {
  const loaded = await requireCollection(ctx.catalog, databaseId, collectionId);
  if (ctx.caller.kind !== 'key') {
    if (!loaded.database.enabled) throw new AppwriteError('database_not_found', 'Database not found');
    if (!loaded.collection.enabled) throw new AppwriteError('collection_not_found', 'Collection with the requested ID could not be found.');
  }
  return loaded;
}

const table = (shape: CollectionShape) => quoteIdent(tableName(shape.sequence));

/**
 * `forUpdate` locks a found row on PostgreSQL until the transaction ends (SQLite transactions are serial
 * already). A missing row locks nothing: inserts must still expect a concurrent insert of the same ID.
 */
async function selectByUid(sql: SqlExecutor, shape: CollectionShape, documentId: string, forUpdate = false): Promise<SqlRow | undefined> {
  const lock = forUpdate && sql.dialect === 'postgresql' ? ' FOR UPDATE' : '';
  const [row] = await sql.query(`SELECT * FROM ${table(shape)} WHERE "_uid" = ${placeholder(sql.dialect, 1)}${lock}`, [documentId]);
  return row;
}

/** The stored row, if the caller may read it; unreadable and missing look the same (no existence leak). */
async function readableRow(sql: SqlExecutor, ctx: DocumentContext, loaded: LoadedCollection, documentId: string): Promise<SqlRow> {
  validateId(documentId, 'documentId');
  const row = await selectByUid(sql, loaded.shape, documentId);
  if (!row || !documentGrants(accessOf(loaded), 'read', ctx.caller, row['_permissions'] as string)) throw notFound();
  return row;
}

/**
 * The stored row for an update or delete, locked. As in Appwrite, the action's permission suffices (read is not
 * needed); a caller that may neither act nor read gets document_not_found, as for a missing document, so
 * existence stays hidden; one that may read but not act gets user_unauthorized.
 */
async function writableRow(sql: SqlExecutor, ctx: DocumentContext, loaded: LoadedCollection, documentId: string, action: 'update' | 'delete'): Promise<SqlRow> {
  validateId(documentId, 'documentId');
  const row = await selectByUid(sql, loaded.shape, documentId, true);
  if (!row) throw notFound();
  const permissions = row['_permissions'] as string;
  if (documentGrants(accessOf(loaded), action, ctx.caller, permissions)) return row;
  throw documentGrants(accessOf(loaded), 'read', ctx.caller, permissions) ? unauthorized() : notFound();
}

const accessOf = (loaded: LoadedCollection) => ({
  permissions: loaded.permissions,
  documentSecurity: loaded.collection.documentSecurity,
  collectionSequence: loaded.collection.sequence,
});

function requireAction(ctx: DocumentContext, loaded: LoadedCollection, action: Action, row: SqlRow): void {
  if (!documentGrants(accessOf(loaded), action, ctx.caller, row['_permissions'] as string)) throw unauthorized();
}

/** A document's permissions, checked: as rows for the permission table and as the `_permissions` JSON. */
interface GrantedPermissions {
  list: Permission[];
  json: string;
}

function documentPermissions(ctx: DocumentContext, permissions: readonly string[]): GrantedPermissions {
  const list = parsePermissions(permissions, DOCUMENT_ACTIONS);
  assertGrantable(list, ctx.caller);
  return { list, json: JSON.stringify(list.map(formatPermission)) };
}

/**
 * Database refusals a client caused, as Appwrite errors: a taken ID, a unique index hit, or (PostgreSQL) a
 * value too large for an index entry.
 */
async function mapWriteErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isProgramLimitExceeded(error)) {
      throw new AppwriteError('document_invalid_structure', 'Invalid document structure: a value is too large for an index of this collection.');
    }
    const target = uniqueViolationTarget(error);
    if (target === null) throw error;
    if (target.endsWith('_uid')) throw new AppwriteError('document_already_exists', 'Document with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID.');
    throw new AppwriteError('document_unique_constraint_violation', 'Document with the requested unique attributes already exists.');
  }
}

function parse(ctx: DocumentContext, shape: CollectionShape, queries: readonly string[] | null | undefined): ParsedQueries {
  return parseQueries(queries, shape, { maxLimit: ctx.limits.maxListLimit, maxOffset: ctx.limits.maxOffset });
}

export async function getDocument(ctx: DocumentContext, args: DocumentAddress & { queries?: readonly string[] | null }): Promise<DocumentOut> {
  const loaded = await openCollection(ctx, args);
  const parsed = parse(ctx, loaded.shape, args.queries);
  if (parsed.filters.length || parsed.orders.length || parsed.cursor) {
    throw new AppwriteError('general_query_invalid', 'Invalid query: only select queries are allowed when getting a document');
  }
  const row = await readableRow(ctx.catalog.db.sql, ctx, loaded, args.documentId);
  return presenter(loaded.shape, parsed)(row);
}

/** Turns rows into documents, honouring a `select` query: only the chosen attributes appear in `data`. */
function presenter(shape: CollectionShape, parsed: ParsedQueries): (row: SqlRow) => DocumentOut {
  if (!parsed.select) return (row) => toDocument(shape, row);
  const keep = new Set(parsed.select);
  const narrowed = { ...shape, attributes: shape.attributes.filter((a) => keep.has(a.key)) };
  return (row) => toDocument(narrowed, row);
}

/** The cursor document's row; one the caller may not read is as unknown as a missing one (no existence leak). */
async function cursorRow(sql: SqlExecutor, ctx: DocumentContext, loaded: LoadedCollection, parsed: ParsedQueries): Promise<SqlRow | null> {
  if (!parsed.cursor) return null;
  if (!isValidId(parsed.cursor.documentId)) throw new AppwriteError('general_query_invalid', `Invalid query: Invalid cursor: ${UID_RULE}`);
  const row = await selectByUid(sql, loaded.shape, parsed.cursor.documentId);
  if (!row || !documentGrants(accessOf(loaded), 'read', ctx.caller, row['_permissions'] as string)) {
    throw new AppwriteError('general_cursor_not_found', `Cursor not found: document "${parsed.cursor.documentId}" does not exist`);
  }
  return row;
}

/**
 * One page of matches, in SQL, with the caller's read condition inside the query. `forUpdate` (bulk writes)
 * locks the matched rows on PostgreSQL so concurrent writers wait instead of vanishing under us.
 */
async function selectPage(
  sql: SqlExecutor,
  ctx: DocumentContext,
  loaded: LoadedCollection,
  parsed: ParsedQueries,
  { forUpdate = false, columns }: { forUpdate?: boolean; columns?: readonly string[] } = {},
) {
  const readable = await readCheck(accessOf(loaded), ctx.caller, (roles) => ctx.catalog.readSets.snapshot(sql, loaded.shape.sequence, roles));
  const list = buildListSql(sql.dialect, loaded.shape, parsed, {
    cursorRow: await cursorRow(sql, ctx, loaded, parsed),
    ...(readable ? { extraWhere: readable.where } : {}),
    ...(columns ? { columns } : {}),
  });
  const lock = forUpdate && sql.dialect === 'postgresql' ? ' FOR UPDATE' : '';
  const rows = await sql.query(list.sql + lock, list.params);
  return { rows: list.reversed ? rows.reverse() : rows, readable };
}

/**
 * `total: false` skips counting (Appwrite's argument); the count also runs only when `total` is read, and a
 * total counted before is reused until the collection's documents change (see count-cache.ts).
 */
export async function listDocuments(
  ctx: DocumentContext,
  args: CollectionAddress & { queries?: readonly string[] | null; total?: boolean | null },
): Promise<DocumentPage> {
  const loaded = await openCollection(ctx, args);
  const parsed = parse(ctx, loaded.shape, args.queries);
  const { rows, readable } = await selectPage(ctx.catalog.db.sql, ctx, loaded, parsed);
  return {
    documents: rows.map(presenter(loaded.shape, parsed)),
    total: async () => {
      if (args.total === false) return 0;
      const key = { collection: loaded, collectionSequence: loaded.shape.sequence, readerRoles: readable?.roles ?? null, filters: parsed.filters };
      return ctx.catalog.counts.total(key, () => countMatches(ctx, loaded.shape, parsed, readable));
    },
  };
}

/** Matches up to COUNT_LIMIT; unfiltered under a read check, from the read-set index (else the permission rows' role index). */
async function countMatches(ctx: DocumentContext, shape: CollectionShape, parsed: ParsedQueries, readable: ReadCheck | null): Promise<number> {
  const sql = ctx.catalog.db.sql;
  const cap = ctx.limits.countLimit;
  if (readable && parsed.filters.length === 0) {
    const fromReadSets = countReadableSql(sql.dialect, shape.sequence, readable.roles, readable.snapshot, cap);
    // The permission rows' count probes one index range per role: planned for each role list.
    const count = fromReadSets ?? countGrantedSql(sql.dialect, shape.sequence, 'read', readable.roles, cap);
    const [row] = await sql.query(count.sql, count.params, fromReadSets ? undefined : { plan: 'custom' });
    return Number(row?.['total'] ?? 0);
  }
  const count = buildCountSql(sql.dialect, shape, parsed, { cap, ...(readable ? { extraWhere: readable.where } : {}) });
  const [row] = await sql.query(count.sql, count.params);
  return Number(row?.['total'] ?? 0);
}

/** Runs a write to the collection's documents in one transaction, and lets remembered totals of it go. */
const writeDocuments = <T>(ctx: DocumentContext, loaded: LoadedCollection, work: (sql: SqlExecutor) => Promise<T>): Promise<T> =>
  ctx.catalog.counts.write(ctx.catalog.db.sql, loaded.shape.sequence, work);

/** Column list and bound values for the given attribute values. */
function assignments(sql: SqlExecutor, shape: CollectionShape, values: Map<string, unknown>) {
  const columns: string[] = [];
  const params: unknown[] = [];
  for (const [key, value] of values) {
    const attribute = shape.attributeByKey.get(key)!;
    columns.push(quoteIdent(columnName(attribute)));
    params.push(encodeValue(sql.dialect, attribute, value));
  }
  return { columns, params };
}

/**
 * Inserts a document and its permission rows (call inside a transaction). With `skipTakenId`, an ID taken
 * meanwhile inserts nothing and yields undefined.
 */
async function insertRow(
  sql: SqlExecutor,
  shape: CollectionShape,
  documentId: string,
  values: Map<string, unknown>,
  permissions: GrantedPermissions,
  at: string,
  skipTakenId = false,
): Promise<SqlRow | undefined> {
  const { columns, params } = assignments(sql, shape, values);
  const all = ['"_uid"', '"_createdAt"', '"_updatedAt"', '"_permissions"', '"_readSet"', ...columns];
  const bound = [documentId, at, at, permissions.json, await readSetOf(sql, shape.sequence, permissions.list), ...params];
  const onTaken = skipTakenId ? ' ON CONFLICT ("_uid") DO NOTHING' : '';
  const [row] = await mapWriteErrors(() =>
    sql.query(
      `INSERT INTO ${table(shape)} (${all.join(', ')}) VALUES (${bound.map((_, i) => placeholder(sql.dialect, i + 1)).join(', ')})${onTaken} RETURNING *`,
      bound,
    ),
  );
  if (row) await writePermissionRows(sql, shape.sequence, [row['_sequence']], permissions.list, false);
  return row;
}

/** Applies the same values to the given rows in one statement; returns them in the order of `sequences`. */
async function updateRows(
  sql: SqlExecutor,
  shape: CollectionShape,
  sequences: readonly unknown[],
  values: Map<string, unknown>,
  permissions: GrantedPermissions | null,
  at: string,
): Promise<SqlRow[]> {
  if (sequences.length === 0) return [];
  const params = new SqlParams(sql.dialect);
  const sets = [...values].map(([key, value]) => {
    const attribute = shape.attributeByKey.get(key)!;
    return `${quoteIdent(columnName(attribute))} = ${params.add(encodeValue(sql.dialect, attribute, value))}`;
  });
  sets.push(`"_updatedAt" = ${params.add(at)}`);
  if (permissions !== null) {
    sets.push(`"_permissions" = ${params.add(permissions.json)}`, `"_readSet" = ${params.add(await readSetOf(sql, shape.sequence, permissions.list))}`);
  }
  const list = sequences.map((sequence) => params.add(sequence)).join(', ');
  const rows = await mapWriteErrors(() =>
    sql.query(`UPDATE ${table(shape)} SET ${sets.join(', ')} WHERE "_sequence" IN (${list}) RETURNING *`, params.values),
  );
  if (permissions !== null) await writePermissionRows(sql, shape.sequence, sequences, permissions.list, true);
  const position = new Map(sequences.map((sequence, i) => [String(sequence), i]));
  return rows.sort((a, b) => position.get(String(a['_sequence']))! - position.get(String(b['_sequence']))!);
}

async function updateRow(sql: SqlExecutor, shape: CollectionShape, current: SqlRow, values: Map<string, unknown>, permissions: GrantedPermissions | null, at: string): Promise<SqlRow> {
  const [row] = await updateRows(sql, shape, [current['_sequence']], values, permissions, at);
  return row!;
}

/** Permissions for a new document: as given, else read, update and delete for the user creating it (none for keys and guests). */
const newDocumentPermissions = (ctx: DocumentContext, permissions: readonly string[] | null | undefined) =>
  documentPermissions(ctx, permissions ?? defaultDocumentPermissions(ctx.caller.kind === 'user' ? ctx.caller.userId : null).map(formatPermission));

export async function createDocument(ctx: DocumentContext, args: DocumentWrite): Promise<DocumentOut> {
  const loaded = await openCollection(ctx, args);
  if (!collectionGrants(accessOf(loaded), 'create', ctx.caller)) throw unauthorized();
  const id = resolveId(args.documentId, 'documentId');
  const granted = newDocumentPermissions(ctx, args.permissions);
  const values = validateDocumentData(loaded.shape, args.data, 'create');
  const at = timestamp(ctx.catalog);
  const row = await writeDocuments(ctx, loaded, (sql) => insertRow(sql, loaded.shape, id, values, granted, at));
  return toDocument(loaded.shape, row!);
}

export async function updateDocument(ctx: DocumentContext, args: DocumentWrite): Promise<DocumentOut> {
  const loaded = await openCollection(ctx, args);
  const values = validateDocumentData(loaded.shape, args.data ?? {}, 'update');
  const newPermissions = args.permissions == null ? null : documentPermissions(ctx, args.permissions);
  const at = timestamp(ctx.catalog);
  const row = await writeDocuments(ctx, loaded, async (sql) => {
    const current = await writableRow(sql, ctx, loaded, args.documentId, 'update');
    return updateRow(sql, loaded.shape, current, values, newPermissions, at);
  });
  return toDocument(loaded.shape, row);
}

/**
 * Creates the document, or updates the existing one with the given attributes (a merge: attributes not
 * given keep their values) and, when given, replaces its permissions.
 */
export async function upsertDocument(ctx: DocumentContext, args: DocumentWrite): Promise<DocumentOut> {
  const loaded = await openCollection(ctx, args);
  const id = resolveId(args.documentId, 'documentId');
  const at = timestamp(ctx.catalog);
  const row = await writeDocuments(ctx, loaded, (sql) => upsertOne(sql, ctx, loaded, id, args.data, args.permissions, at));
  return toDocument(loaded.shape, row);
}

async function upsertOne(
  sql: SqlExecutor,
  ctx: DocumentContext,
  loaded: LoadedCollection,
  id: string,
  data: unknown,
  permissions: readonly string[] | null | undefined,
  at: string,
): Promise<SqlRow> {
  let current = await selectByUid(sql, loaded.shape, id, true);
  if (!current) {
    if (!collectionGrants(accessOf(loaded), 'create', ctx.caller)) throw unauthorized();
    const granted = newDocumentPermissions(ctx, permissions);
    const inserted = await insertRow(sql, loaded.shape, id, validateDocumentData(loaded.shape, data ?? {}, 'create'), granted, at, true);
    if (inserted) return inserted;
    // Another request created it between our look and our insert: update what it created.
    current = await selectByUid(sql, loaded.shape, id, true);
    if (!current) throw new AppwriteError('document_update_conflict', 'The document was created and deleted by other requests meanwhile. Try again.');
  }
  // Upsert tells existing from new by nature, so a refused update may say so (user_unauthorized).
  requireAction(ctx, loaded, 'update', current);
  const values = validateDocumentData(loaded.shape, data ?? {}, 'update');
  const newPermissions = permissions == null ? null : documentPermissions(ctx, permissions);
  return updateRow(sql, loaded.shape, current, values, newPermissions, at);
}

export async function deleteDocument(ctx: DocumentContext, args: DocumentAddress): Promise<void> {
  const loaded = await openCollection(ctx, args);
  await writeDocuments(ctx, loaded, async (sql) => {
    const current = await writableRow(sql, ctx, loaded, args.documentId, 'delete');
    await sql.execute(`DELETE FROM ${table(loaded.shape)} WHERE "_sequence" = ${placeholder(sql.dialect, 1)}`, [current['_sequence']]);
  });
}

/** Splits a bulk item into its ID, permissions and attribute data (Appwrite's `$id` / `$permissions`). */
function bulkItem(item: unknown): { id: string; permissions: string[] | null; data: Record<string, unknown> } {
  if (!item || typeof item !== 'object' || Array.isArray(item)) {
    throw new AppwriteError('document_invalid_structure', 'Invalid document structure: each document must be an object');
  }
  const { $id, $permissions, ...data } = item as Record<string, unknown>;
  if (typeof $id !== 'string') throw new AppwriteError('document_invalid_structure', 'Invalid document structure: each document needs a $id');
  if ($permissions != null && (!Array.isArray($permissions) || $permissions.some((p) => typeof p !== 'string'))) {
    throw new AppwriteError('general_argument_invalid', 'Invalid `$permissions`: must be an array of permission strings');
  }
  return { id: $id, permissions: ($permissions as string[] | null | undefined) ?? null, data };
}

export async function upsertDocuments(ctx: DocumentContext, args: CollectionAddress & { documents: readonly unknown[] }): Promise<DocumentOut[]> {
  if (args.documents.length > MAX_BATCH) throw new AppwriteError('general_argument_invalid', `Invalid \`documents\` param: at most ${MAX_BATCH} documents per request`);
  const loaded = await openCollection(ctx, args);
  const items = args.documents.map(bulkItem).map((item) => ({ ...item, id: resolveId(item.id, '$id') }));
  const at = timestamp(ctx.catalog);
  const rows = await writeDocuments(ctx, loaded, async (sql) => {
    const written: SqlRow[] = [];
    for (const item of items) written.push(await upsertOne(sql, ctx, loaded, item.id, item.data, item.permissions, at));
    return written;
  });
  return rows.map((row) => toDocument(loaded.shape, row));
}

/** Bulk update and delete act on the first `limit` matches (default and maximum MAX_BATCH), in query order. */
async function matchingRows(
  sql: SqlExecutor,
  ctx: DocumentContext,
  loaded: LoadedCollection,
  queries: readonly string[] | null | undefined,
  columns?: readonly string[],
) {
  const parsed = parseQueries(queries, loaded.shape, { maxLimit: MAX_BATCH, defaultLimit: MAX_BATCH, maxOffset: ctx.limits.maxOffset });
  return (await selectPage(sql, ctx, loaded, parsed, { forUpdate: true, ...(columns ? { columns } : {}) })).rows;
}

/** Bulk writes without an API key need the collection-level permission: document security is per document. */
function requireBulkAction(ctx: DocumentContext, loaded: LoadedCollection, action: Action): void {
  if (!collectionGrants(accessOf(loaded), action, ctx.caller)) throw unauthorized();
}

export async function updateDocuments(ctx: DocumentContext, args: CollectionAddress & { data?: unknown; queries?: readonly string[] | null }): Promise<DocumentOut[]> {
  const loaded = await openCollection(ctx, args);
  requireBulkAction(ctx, loaded, 'update');
  const values = validateDocumentData(loaded.shape, args.data ?? {}, 'update');
  const at = timestamp(ctx.catalog);
  const rows = await writeDocuments(ctx, loaded, async (sql) => {
    const matched = await matchingRows(sql, ctx, loaded, args.queries, ['_sequence']);
    return updateRows(sql, loaded.shape, matched.map((row) => row['_sequence']), values, null, at);
  });
  return rows.map((row) => toDocument(loaded.shape, row));
}

export async function deleteDocuments(ctx: DocumentContext, args: CollectionAddress & { queries?: readonly string[] | null }): Promise<DocumentOut[]> {
  const loaded = await openCollection(ctx, args);
  requireBulkAction(ctx, loaded, 'delete');
  const rows = await writeDocuments(ctx, loaded, async (sql) => {
    const matched = await matchingRows(sql, ctx, loaded, args.queries);
    if (matched.length) {
      const params = new SqlParams(sql.dialect);
      const list = matched.map((row) => params.add(row['_sequence'])).join(', ');
      await sql.execute(`DELETE FROM ${table(loaded.shape)} WHERE "_sequence" IN (${list})`, params.values);
    }
    return matched;
  });
  return rows.map((row) => toDocument(loaded.shape, row));
}

/** The tighter of the caller's bound and the attribute's own range, in the attribute's number type. */
function effectiveBound(attribute: AttributeDef, increasing: boolean, bound: number | null | undefined): bigint | number | null {
  const own = increasing ? attribute.max : attribute.min;
  if (bound == null) return own;
  const given = attribute.type === 'integer' ? BigInt(increasing ? Math.floor(bound) : Math.ceil(bound)) : bound;
  if (own === null) return given;
  return increasing ? (given < own ? given : own) : given > own ? given : own;
}

/** The amount as the attribute's number type: a positive 64-bit integer, or a positive finite number. */
function changeAmount(attribute: AttributeDef, value: number | null | undefined): bigint | number {
  const amount = value ?? 1;
  const integer = attribute.type === 'integer';
  if (!Number.isFinite(amount) || amount <= 0 || (integer && (!Number.isInteger(amount) || BigInt(amount) > INT64_MAX))) {
    throw new AppwriteError('general_argument_invalid', `Invalid \`value\` param: Value must be a positive ${integer ? '64-bit integer' : 'number'}`);
  }
  return integer ? BigInt(amount) : amount;
}

/**
 * Increments or decrements a numeric attribute atomically: one UPDATE computes the new value, and only if the
 * current value is at most `bound − amount` (at least `bound + amount` going down), where bound is the tighter
 * of the caller's max/min and the attribute's range. Comparing against a precomputed threshold means the SQL
 * never computes a value that could overflow 64 bits.
 */
export async function changeDocumentAttribute(
  ctx: DocumentContext,
  direction: 'increment' | 'decrement',
  args: DocumentAddress & { attribute: string; value?: number | null; bound?: number | null },
): Promise<DocumentOut> {
  const loaded = await openCollection(ctx, args);
  const attribute = loaded.shape.attributeByKey.get(args.attribute);
  if (!attribute || attribute.status !== 'available') throw new AppwriteError('attribute_not_found', 'Attribute with the requested ID could not be found.');
  if ((attribute.type !== 'integer' && attribute.type !== 'double') || attribute.array) {
    throw new AppwriteError('attribute_type_invalid', `Attribute "${args.attribute}" must be a non-array integer or float attribute.`);
  }
  const increasing = direction === 'increment';
  const amount = changeAmount(attribute, args.value);
  const limit = effectiveBound(attribute, increasing, args.bound);
  const exceeded = () =>
    new AppwriteError('attribute_limit_exceeded', `Attribute "${args.attribute}" would ${increasing ? 'exceed the maximum' : 'fall below the minimum'} of ${limit}.`);
  const threshold = limit === null ? null : typeof amount === 'bigint' ? (limit as bigint) + (increasing ? -amount : amount) : (limit as number) + (increasing ? -amount : amount);
  if (typeof threshold === 'bigint' && (threshold < INT64_MIN || threshold > INT64_MAX)) throw exceeded();
  const at = timestamp(ctx.catalog);
  const row = await writeDocuments(ctx, loaded, async (sql) => {
    const current = await writableRow(sql, ctx, loaded, args.documentId, 'update');
    const params = new SqlParams(sql.dialect);
    const column = quoteIdent(columnName(attribute));
    const encode = (v: unknown) => encodeScalar(sql.dialect, attribute.type, v);
    const signed = typeof amount === 'bigint' ? (increasing ? amount : -amount) : increasing ? amount : -amount;
    // Placeholders are handed out in text order, as SQLite's positional `?` requires.
    let statement = `UPDATE ${table(loaded.shape)} SET ${column} = COALESCE(${column}, 0) + ${params.add(encode(signed))}, "_updatedAt" = ${params.add(at)} WHERE "_sequence" = ${params.add(current['_sequence'])}`;
    if (threshold !== null) statement += ` AND COALESCE(${column}, 0) ${increasing ? '<=' : '>='} ${params.add(encode(threshold))}`;
    const [updated] = await sql.query(`${statement} RETURNING *`, params.values);
    if (!updated) throw exceeded();
    return updated;
  });
  return toDocument(loaded.shape, row);
}
