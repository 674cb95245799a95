import { DEFAULT_MAX_LIST_LIMIT } from '../config.ts';
import { decodeQuery, DEFAULT_LIST_LIMIT } from '../documents/queries/parse.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { normalizeDatetime } from '../validation/datetime.ts';
import { checkString } from '../validation/values.ts';

/**
 * Appwrite queries over the metadata lists (databases, collections, attributes, indexes, users, teams,
 * buckets, files, tokens), turned into Prisma arguments. These lists are fully modelled, so a subset serves:
 * equal/notEqual/startsWith, comparisons and null checks on the listed fields, ordering, limit/offset and
 * cursors. Values are checked against the column's type here: Prisma would refuse a mismatch with an internal
 * error. Dates are compared as stored (ISO 8601 in UTC), after normalizing the query's value the same way.
 */

export interface MetadataListArgs {
  where: Record<string, unknown>;
  orderBy: Record<string, 'asc' | 'desc'>[];
  take: number;
  skip: number;
  cursorId: string | null;
  cursorDirection: 'after' | 'before';
}

type ColumnType = 'string' | 'boolean' | 'integer' | 'datetime';

/**
 * The type of every metadata column a list may query, by Prisma field name. The metadata and identity models
 * agree on the names they share (`key`, `type`, …), so one table serves them all. (`User.status` is a boolean,
 * unlike the attributes' and indexes' `status`: it is not queryable until columns are typed per model.)
 */
const COLUMN_TYPES = {
  id: 'string',
  name: 'string',
  key: 'string',
  type: 'string',
  status: 'string',
  createdAt: 'datetime',
  updatedAt: 'datetime',
  expire: 'datetime',
  accessedAt: 'datetime',
  enabled: 'boolean',
  documentSecurity: 'boolean',
  required: 'boolean',
  array: 'boolean',
  size: 'integer',
  email: 'string',
  emailVerification: 'boolean',
  confirm: 'boolean',
  fileSecurity: 'boolean',
  maximumFileSize: 'integer',
  mimeType: 'string',
  signature: 'string',
  sizeOriginal: 'integer',
} as const satisfies Record<string, ColumnType>;

export type MetadataColumn = keyof typeof COLUMN_TYPES;

// Prisma's Int is 32-bit: a wider value is an internal error there.
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The value as the column stores it, or undefined when it does not fit the column. */
const STORED: Record<ColumnType, (value: unknown) => unknown> = {
  // NUL cannot reach PostgreSQL text: checkString refuses it.
  string: (value) => (checkString(value, null).ok ? value : undefined),
  boolean: (value) => (typeof value === 'boolean' ? value : undefined),
  integer: (value) => (Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX ? value : undefined),
  datetime: (value) => (typeof value === 'string' ? (normalizeDatetime(value) ?? undefined) : undefined),
};

const COMPARISONS = { lessThan: 'lt', lessThanEqual: 'lte', greaterThan: 'gt', greaterThanEqual: 'gte' } as const;

function invalid(message: string): AppwriteError {
  return new AppwriteError('general_query_invalid', `Invalid query: ${message}`);
}

/**
 * `fields` maps the API's field names (`$id`, `name`, …) to Prisma fields; `maxLimit` bounds `limit`
 * (the configured `maxListLimit`).
 */
export function metadataListArgs(
  queries: readonly string[] | null | undefined,
  fields: Readonly<Record<string, MetadataColumn>>,
  maxLimit: number = DEFAULT_MAX_LIST_LIMIT,
): MetadataListArgs {
  const conditions: Record<string, unknown>[] = [];
  const orderBy: MetadataListArgs['orderBy'] = [];
  // Like Appwrite (and the documents list), the first limit, offset and cursor win; later ones are still validated.
  let limit: number | undefined;
  let offset: number | undefined;
  let cursor: Pick<MetadataListArgs, 'cursorId' | 'cursorDirection'> | undefined;
  for (const text of queries ?? []) {
    const { method, attribute, values } = decodeQuery(text);
    const field = () => {
      // Own keys only: `toString` and the like must not resolve through the prototype.
      if (!Object.hasOwn(fields, attribute)) throw invalid(`Attribute not found in schema: ${attribute}`);
      return fields[attribute]!;
    };
    const single = () => {
      if (values.length !== 1) throw invalid(`${method} takes exactly one value`);
      return values[0];
    };
    const some = () => {
      if (values.length === 0) throw invalid(`${method} needs at least one value`);
      return values;
    };
    const count = () => {
      const n = single();
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw invalid(`${method} must be a non-negative integer`);
      return n;
    };
    const checked = (value: unknown) => {
      const stored = STORED[COLUMN_TYPES[field()]](value);
      if (stored === undefined) throw invalid(`Query value is invalid for attribute "${attribute}"`);
      return stored;
    };
    // Dates are stored as ISO 8601 text: a prefix of one (a year, a day) is a useful filter too.
    const prefix = () => {
      if (COLUMN_TYPES[field()] !== 'string' && COLUMN_TYPES[field()] !== 'datetime') {
        throw invalid(`Cannot query ${method} on attribute "${attribute}" because it is not a string.`);
      }
      const value = STORED.string(single());
      if (value === undefined) throw invalid(`Query value is invalid for attribute "${attribute}"`);
      return value;
    };
    const ordered = () => {
      if (COLUMN_TYPES[field()] === 'boolean') throw invalid(`Cannot query ${method} on attribute "${attribute}" because it is a boolean.`);
      return checked(single());
    };
    switch (method) {
      // OR/NOT of plain equalities rather than `in`, which Prisma has no boolean form of.
      case 'equal':
        conditions.push({ OR: some().map((value) => ({ [field()]: checked(value) })) });
        break;
      case 'notEqual':
        conditions.push({ NOT: some().map((value) => ({ [field()]: checked(value) })) });
        break;
      case 'startsWith':
        conditions.push({ [field()]: { startsWith: prefix() } });
        break;
      case 'lessThan':
      case 'lessThanEqual':
      case 'greaterThan':
      case 'greaterThanEqual':
        conditions.push({ [field()]: { [COMPARISONS[method]]: ordered() } });
        break;
      case 'isNull':
      case 'isNotNull':
        conditions.push({ [field()]: method === 'isNull' ? null : { not: null } });
        break;
      case 'orderAsc':
      case 'orderDesc':
        orderBy.push({ [field()]: method === 'orderAsc' ? 'asc' : 'desc' });
        break;
      case 'limit': {
        const n = count();
        if (n < 1 || n > maxLimit) throw invalid(`limit must be between 1 and ${maxLimit}`);
        limit ??= n;
        break;
      }
      case 'offset': {
        const n = count();
        offset ??= n;
        break;
      }
      case 'cursorAfter':
      case 'cursorBefore': {
        const id = single();
        if (typeof id !== 'string') throw invalid('Cursor must be an ID');
        cursor ??= { cursorId: id, cursorDirection: method === 'cursorAfter' ? 'after' : 'before' };
        break;
      }
      default:
        throw invalid(`Query method ${JSON.stringify(method)} is not supported on this list`);
    }
  }
  orderBy.push({ sequence: orderBy.length ? Object.values(orderBy.at(-1)!)[0]! : 'asc' });
  return {
    where: conditions.length ? { AND: conditions } : {},
    orderBy,
    take: limit ?? DEFAULT_LIST_LIMIT,
    skip: offset ?? 0,
    ...(cursor ?? { cursorId: null, cursorDirection: 'after' }),
  };
}

type PrismaListQuery = { where: Record<string, unknown>; orderBy: Record<string, 'asc' | 'desc'>[]; take: number; skip: number; cursor?: { sequence: number } };

/** How to read one metadata model: page, count, and find a cursor row's sequence. */
export interface MetadataModel<Row> {
  find(query: PrismaListQuery): Promise<Row[]>;
  count(query: { where: Record<string, unknown>; take: number }): Promise<number>;
  sequenceOf(id: string): Promise<number | null>;
}

/**
 * Runs a metadata list within `scope` (e.g. one collection's attributes). A cursor is resolved to its row's
 * sequence (unknown cursor → general_cursor_not_found); cursorBefore reads backwards and flips the page. The
 * count is deferred: it runs only if `total` is asked for, bounded by the cap.
 */
export async function runMetadataList<Row>(
  args: MetadataListArgs,
  scope: Record<string, unknown>,
  model: MetadataModel<Row>,
): Promise<{ rows: Row[]; count: (cap: number) => Promise<number> }> {
  const where = { ...scope, ...args.where };
  const count = (cap: number) => model.count({ where, take: cap });
  if (!args.cursorId) return { rows: await model.find({ where, orderBy: args.orderBy, take: args.take, skip: args.skip }), count };
  const sequence = await model.sequenceOf(args.cursorId);
  if (sequence === null) throw new AppwriteError('general_cursor_not_found', `Cursor not found: "${args.cursorId}" does not exist`);
  const before = args.cursorDirection === 'before';
  const flipped = args.orderBy.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === 'asc' ? 'desc' : 'asc'])) as Record<string, 'asc' | 'desc'>);
  const rows = await model.find({ where, orderBy: before ? flipped : args.orderBy, take: args.take, skip: args.skip + 1, cursor: { sequence } });
  return { rows: before ? rows.reverse() : rows, count };
}
