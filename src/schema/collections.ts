import { COLLECTION_QUERY_FIELDS, createCollection, deleteCollection, getCollection, listCollections, updateCollection } from '../metadata/collections.ts';
import type { LoadedCollection } from '../metadata/records.ts';
import type { Builder } from './builder.ts';
import { addListType, authorize, collectionArgs, listArgs, listed, newIdDescription, queryableFields, statusOk } from './common.ts';
import type { SchemaRefs } from './refs.ts';

/** Rough bytes per value of each non-string type (strings: 4 bytes a char), for Appwrite's informative `bytesUsed`. */
const BYTES: Record<string, number> = { integer: 8, double: 8, boolean: 1, datetime: 32 };

export function addCollectionSchema(builder: Builder, refs: SchemaRefs) {
  const { Status, Attribute, Index } = refs;

  const Collection = builder.objectRef<LoadedCollection>('Collection').implement({
    description: 'A collection: typed attributes, indexes, permissions and the documents that follow them.',
    fields: (t) => ({
      _id: t.string({ description: 'Collection ID.', resolve: (c) => c.collection.id }),
      _createdAt: t.string({ description: 'Creation date in ISO 8601 format.', resolve: (c) => c.collection.createdAt }),
      _updatedAt: t.string({ description: 'Update date in ISO 8601 format.', resolve: (c) => c.collection.updatedAt }),
      _permissions: t.stringList({ description: 'Collection permissions, e.g. read("any").', resolve: (c) => JSON.parse(c.collection.permissions) as string[] }),
      databaseId: t.string({ description: 'Database ID.', resolve: (c) => c.database.id }),
      name: t.string({ description: 'Collection name.', resolve: (c) => c.collection.name }),
      enabled: t.boolean({ description: 'When false, the collection is invisible to clients without an API key.', resolve: (c) => c.collection.enabled }),
      documentSecurity: t.boolean({
        description: 'Whether document permissions count too: a caller passes if the collection or the document grants the action.',
        resolve: (c) => c.collection.documentSecurity,
      }),
      attributes: t.field({ type: [Attribute], description: 'Collection attributes.', resolve: (c) => c.attributes }),
      indexes: t.field({ type: [Index], description: 'Collection indexes.', resolve: (c) => c.indexes }),
      bytesMax: t.int({ description: 'Maximum document size in bytes; 0: no limit applies.', resolve: () => 0 }),
      bytesUsed: t.int({
        description: 'Estimated document size in bytes from the attribute definitions.',
        resolve: (c) => c.attributes.reduce((sum, a) => sum + (a.type === 'string' ? (a.size ?? 0) * 4 : (BYTES[a.type] ?? 0)), 0),
      }),
    }),
  });

  const CollectionList = addListType(builder, 'CollectionList', 'collections', Collection);

  builder.queryFields((t) => ({
    databasesListCollections: t.field({
      type: CollectionList,
      description: `List the collections of a database, filtered, sorted and paged by queries. ${queryableFields(COLLECTION_QUERY_FIELDS)}`,
      args: { databaseId: t.arg.string({ required: true, description: 'Database ID.' }), ...listArgs(t.arg), search: t.arg.string({ required: false, description: 'Text to look for in names and IDs (a substring match).' }) },
      resolve: async (_, args, context) => {
        const { rows, count } = await listCollections(authorize(context, 'collections.read'), args.databaseId, args.queries, args.search, context.services.config.maxListLimit);
        return listed(rows, count, context, args.total);
      },
    }),
    databasesGetCollection: t.field({
      type: Collection,
      description: 'Get a collection with its attributes and indexes.',
      args: collectionArgs(t.arg),
      resolve: (_, args, context) => getCollection(authorize(context, 'collections.read'), args.databaseId, args.collectionId),
    }),
  }));

  builder.mutationFields((t) => ({
    databasesCreateCollection: t.field({
      type: Collection,
      description: 'Create a collection in a database, optionally with its attributes and indexes in the same step: all of it or nothing.',
      args: {
        databaseId: t.arg.string({ required: true, description: 'Database ID.' }),
        collectionId: t.arg.string({ required: true, description: newIdDescription('Collection') }),
        name: t.arg.string({ required: true, description: 'Collection name, at most 128 chars.' }),
        permissions: t.arg.stringList({ required: false, description: 'Permission strings, e.g. read("any"), create("users"). None by default: only API keys get in.' }),
        documentSecurity: t.arg.boolean({ required: false, description: 'Whether document permissions count too: a caller passes if the collection or the document grants the action (default false).' }),
        enabled: t.arg.boolean({ required: false, description: 'Whether the collection is enabled (default true). A disabled one is out of reach without an API key; nothing is lost.' }),
        attributes: t.arg({ type: ['Json'], required: false, description: 'Attributes to create with the collection, as Appwrite attribute objects ({key, type, size, required, default, array, …}), checked like the create-attribute mutations.' }),
        indexes: t.arg({ type: ['Json'], required: false, description: 'Indexes to create with the collection ({key, type, attributes, orders, lengths}), checked like databasesCreateIndex.' }),
      },
      resolve: (_, args, context) =>
        createCollection(authorize(context, 'collections.write'), args.databaseId, {
          ...args,
          attributes: args.attributes as Record<string, unknown>[] | null | undefined,
          indexes: args.indexes as Record<string, unknown>[] | null | undefined,
        }),
    }),
    databasesUpdateCollection: t.field({
      type: Collection,
      description: 'Update a collection\'s name, permissions, document security or enabled flag.',
      args: {
        ...collectionArgs(t.arg),
        name: t.arg.string({ required: false, description: 'New name, at most 128 chars; omit to keep it.' }),
        permissions: t.arg.stringList({ required: false, description: 'New permission strings, replacing the old ones; omit to keep them.' }),
        documentSecurity: t.arg.boolean({ required: false, description: 'Whether document permissions count too; omit to keep the setting.' }),
        enabled: t.arg.boolean({ required: false, description: 'Whether the collection is enabled; omit to keep the setting.' }),
      },
      resolve: (_, args, context) => updateCollection(authorize(context, 'collections.write'), args.databaseId, args.collectionId, args),
    }),
    databasesDeleteCollection: t.field({
      type: Status,
      description: 'Delete a collection with its attributes, indexes and documents.',
      args: collectionArgs(t.arg),
      resolve: async (_, args, context) => {
        await deleteCollection(authorize(context, 'collections.write'), args.databaseId, args.collectionId);
        return statusOk;
      },
    }),
  }));
}
