import { AppwriteError } from '../errors/appwrite-error.ts';

/**
 * Appwrite queries over the metadata lists (databases, collections, attributes, indexes), turned into Prisma
 * arguments. These lists are small and fully modelled, so a subset serves: equal/notEqual/startsWith on the
 * listed fields, ordering, limit/offset and cursors.
 */

export interface MetadataListArgs {
  where: Record<string, unknown>;
  orderBy: Record<string, 'asc' | 'desc'>[];
  take: number;
  skip: number;
  cursorId: string | null;
  cursorDirection: 'after' | 'before';
}

type Value = string | number | boolean;
interface RawQuery {
  method: string;
  attribute?: string;
  values?: Value[];
}

const MAX_LIMIT = 5000;

function invalid(message: string): AppwriteError {
  return new AppwriteError('general_query_invalid', `Invalid query: ${message}`);
}

function parse(text: string): RawQuery {
  let query: unknown;
  try {
    query = JSON.parse(text);
  } catch {
    throw invalid(`Syntax error in ${JSON.stringify(text.slice(0, 100))}`);
  }
  if (!query || typeof query !== 'object' || typeof (query as RawQuery).method !== 'string') throw invalid('Query must be an object with a method');
  return query as RawQuery;
}

/** `fields` maps the API's field names (`$id`, `name`, …) to Prisma fields. */
export function metadataListArgs(queries: readonly string[] | null | undefined, fields: Record<string, string>): MetadataListArgs {
  const args: MetadataListArgs = { where: {}, orderBy: [], take: 25, skip: 0, cursorId: null, cursorDirection: 'after' };
  const conditions: Record<string, unknown>[] = [];
  for (const text of queries ?? []) {
    const { method, attribute = '', values = [] } = parse(text);
    const field = () => {
      const name = fields[attribute];
      if (!name) throw invalid(`Attribute not found in schema: ${attribute}`);
      return name;
    };
    const single = () => {
      if (values.length !== 1) throw invalid(`${method} takes exactly one value`);
      return values[0]!;
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
    switch (method) {
      // OR/NOT of plain equalities rather than `in`, which Prisma has no boolean form of.
      case 'equal':
        conditions.push({ OR: some().map((value) => ({ [field()]: value })) });
        break;
      case 'notEqual':
        conditions.push({ NOT: some().map((value) => ({ [field()]: value })) });
        break;
      case 'startsWith':
        conditions.push({ [field()]: { startsWith: single() } });
        break;
      case 'orderAsc':
      case 'orderDesc':
        args.orderBy.push({ [field()]: method === 'orderAsc' ? 'asc' : 'desc' });
        break;
      case 'limit': {
        const n = count();
        if (n < 1 || n > MAX_LIMIT) throw invalid(`limit must be between 1 and ${MAX_LIMIT}`);
        args.take = n;
        break;
      }
      case 'offset':
        args.skip = count();
        break;
      case 'cursorAfter':
      case 'cursorBefore': {
        const id = single();
        if (typeof id !== 'string') throw invalid('Cursor must be an ID');
        args.cursorId = id;
        args.cursorDirection = method === 'cursorAfter' ? 'after' : 'before';
        break;
      }
      default:
        throw invalid(`Query method ${JSON.stringify(method)} is not supported on this list`);
    }
  }
  args.where = conditions.length ? { AND: conditions } : {};
  args.orderBy.push({ sequence: args.orderBy.length ? Object.values(args.orderBy.at(-1)!)[0]! : 'asc' });
  return args;
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
