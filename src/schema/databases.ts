import { createDatabase, DATABASE_QUERY_FIELDS, deleteDatabase, getDatabase, listDatabases, updateDatabase } from '../metadata/databases.ts';
import type { DatabaseRow } from '../metadata/records.ts';
import type { Builder } from './builder.ts';
import { addListType, authorize, listArgs, listed, newIdDescription, queryableFields, statusOk } from './common.ts';
import type { SchemaRefs } from './refs.ts';

export function addDatabaseSchema(builder: Builder, { Status }: SchemaRefs) {
  const Database = builder.objectRef<DatabaseRow>('Database').implement({
    description: 'A database: a namespace of collections.',
    fields: (t) => ({
      _id: t.string({ description: 'Database ID.', resolve: (d) => d.id }),
      name: t.exposeString('name', { description: 'Database name.' }),
      _createdAt: t.string({ description: 'Creation date in ISO 8601 format.', resolve: (d) => d.createdAt }),
      _updatedAt: t.string({ description: 'Update date in ISO 8601 format.', resolve: (d) => d.updatedAt }),
      enabled: t.exposeBoolean('enabled', { description: 'When false, the database is invisible to clients without an API key.' }),
      type: t.string({ description: 'Database type: always "legacy" (the Databases API).', resolve: () => 'legacy' }),
    }),
  });

  const DatabaseList = addListType(builder, 'DatabaseList', 'databases', Database);

  builder.queryFields((t) => ({
    databasesList: t.field({
      type: DatabaseList,
      description: `List databases, filtered, sorted and paged by queries. ${queryableFields(DATABASE_QUERY_FIELDS)}`,
      args: { ...listArgs(t.arg), search: t.arg.string({ required: false, description: 'Text to look for in names and IDs (a substring match).' }) },
      resolve: async (_, args, context) => {
        const { rows, count } = await listDatabases(authorize(context, 'databases.read'), args.queries, args.search, context.services.config.maxListLimit);
        return listed(rows, count, context, args.total);
      },
    }),
    databasesGet: t.field({
      type: Database,
      description: 'Get a database by its ID.',
      args: { databaseId: t.arg.string({ required: true, description: 'Database ID.' }) },
      resolve: (_, args, context) => getDatabase(authorize(context, 'databases.read'), args.databaseId),
    }),
  }));

  builder.mutationFields((t) => ({
    databasesCreate: t.field({
      type: Database,
      description: 'Create a database.',
      args: {
        databaseId: t.arg.string({ required: true, description: newIdDescription('Database') }),
        name: t.arg.string({ required: true, description: 'Database name, at most 128 chars.' }),
        enabled: t.arg.boolean({ required: false, description: 'Whether the database is enabled (default true). A disabled one is out of reach without an API key; nothing is lost.' }),
      },
      resolve: (_, args, context) => createDatabase(authorize(context, 'databases.write'), args),
    }),
    databasesUpdate: t.field({
      type: Database,
      description: 'Update a database\'s name or enabled flag.',
      args: {
        databaseId: t.arg.string({ required: true, description: 'Database ID.' }),
        name: t.arg.string({ required: false, description: 'New name, at most 128 chars; omit to keep it.' }),
        enabled: t.arg.boolean({ required: false, description: 'Whether the database is enabled; omit to keep it.' }),
      },
      resolve: (_, args, context) => updateDatabase(authorize(context, 'databases.write'), args.databaseId, args),
    }),
    databasesDelete: t.field({
      type: Status,
      description: 'Delete a database with all its collections and documents.',
      args: { databaseId: t.arg.string({ required: true, description: 'Database ID.' }) },
      resolve: async (_, args, context) => {
        await deleteDatabase(authorize(context, 'databases.write'), args.databaseId);
        return statusOk;
      },
    }),
  }));
}
