import { createIndex, deleteIndex, getIndex, INDEX_QUERY_FIELDS, listIndexes, MAX_INDEXES } from '../metadata/indexes.ts';
import type { IndexRecord } from '../metadata/records.ts';
import type { Builder } from './builder.ts';
import { addListType, authorize, collectionArgs, ID_RULE, listArgs, listed, queryableFields, statusOk } from './common.ts';
import type { StatusRef } from './refs.ts';

export function addIndexSchema(builder: Builder, refs: { Status: StatusRef }) {
  const Index = builder.objectRef<IndexRecord>('Index').implement({
    description: 'An index of a collection: a real database index that list queries use.',
    fields: (t) => ({
      _id: t.string({ description: 'Index ID (its key).', resolve: (i) => i.key }),
      _createdAt: t.string({ description: 'Creation date in ISO 8601 format.', resolve: (i) => i.createdAt }),
      _updatedAt: t.string({ description: 'Update date in ISO 8601 format.', resolve: (i) => i.updatedAt }),
      key: t.exposeString('key', { description: 'Index key.' }),
      type: t.exposeString('type', { description: 'Index type: key (plain), unique (no two documents share the values) or fulltext (for search queries).' }),
      status: t.exposeString('status', { description: 'Index status in Appwrite\'s terms (available, processing, deleting, stuck, failed); always "available" here, as indexes are built in the request.' }),
      error: t.exposeString('error', { description: 'Why creating or deleting the index failed; always empty here, as a failed change is refused in the request.' }),
      attributes: t.exposeStringList('attributes', { description: 'Indexed attribute keys.' }),
      lengths: t.field({ type: ['Int'], nullable: { list: false, items: true }, description: 'Index lengths per attribute (accepted, not used: prefix lengths are a MariaDB notion).', resolve: (i) => i.lengths }),
      orders: t.field({ type: ['String'], nullable: { list: true, items: true }, description: 'Order of each attribute: asc, desc, or null when none was given.', resolve: (i) => i.orders }),
    }),
  });

  const IndexList = addListType(builder, 'IndexList', 'indexes', Index);

  const keyArgs = (arg: Parameters<typeof collectionArgs>[0]) => ({ ...collectionArgs(arg), key: arg.string({ required: true, description: 'Index key.' }) });

  builder.queryFields((t) => ({
    databasesListIndexes: t.field({
      type: IndexList,
      description: `List the indexes of a collection, filtered, sorted and paged by queries. ${queryableFields(INDEX_QUERY_FIELDS)}`,
      args: { ...collectionArgs(t.arg), ...listArgs(t.arg) },
      resolve: async (_, args, context) => {
        const { rows, count } = await listIndexes(authorize(context, 'collections.read'), args.databaseId, args.collectionId, args.queries, context.services.config.maxListLimit);
        return listed(rows, count, context, args.total);
      },
    }),
    databasesGetIndex: t.field({
      type: Index,
      description: 'Get an index by its key.',
      args: keyArgs(t.arg),
      resolve: (_, args, context) => getIndex(authorize(context, 'collections.read'), args.databaseId, args.collectionId, args.key),
    }),
  }));

  builder.mutationFields((t) => ({
    databasesCreateIndex: t.field({
      type: Index,
      description: `Create an index (at most ${MAX_INDEXES} per collection). It is built at once and used by list queries that filter or sort on its attributes; a unique index refuses documents that would repeat its values.`,
      args: {
        ...keyArgs(t.arg),
        key: t.arg.string({ required: true, description: `Index key: ${ID_RULE}.` }),
        type: t.arg.string({ required: true, description: 'Index type: key, unique or fulltext (search queries need a fulltext index on exactly their one attribute).' }),
        attributes: t.arg.stringList({ required: true, description: 'Keys of the attributes to index, no repeats: available attributes or $id, $sequence, $createdAt, $updatedAt. Fulltext indexes take only non-array string attributes.' }),
        orders: t.arg.stringList({ required: false, description: 'Order of each attribute, in the same positions: asc or desc; at most one per attribute.' }),
        lengths: t.arg.intList({ required: false, description: 'Prefix length per attribute: non-negative integers, accepted for compatibility and not used.' }),
      },
      resolve: (_, args, context) => createIndex(authorize(context, 'collections.write'), args.databaseId, args.collectionId, args),
    }),
    databasesDeleteIndex: t.field({
      type: refs.Status,
      description: 'Delete an index; queries keep working, only slower.',
      args: keyArgs(t.arg),
      resolve: async (_, args, context) => {
        await deleteIndex(authorize(context, 'collections.write'), args.databaseId, args.collectionId, args.key);
        return statusOk;
      },
    }),
  }));

  return { Index };
}
