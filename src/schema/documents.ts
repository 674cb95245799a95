import {
  changeDocumentAttribute,
  createDocument,
  deleteDocument,
  deleteDocuments,
  getDocument,
  listDocuments,
  MAX_BATCH,
  updateDocument,
  updateDocuments,
  upsertDocument,
  upsertDocuments,
  type DocumentContext,
} from '../documents/service.ts';
import type { DocumentOut } from '../documents/rows.ts';
import type { ArgBuilder, Builder } from './builder.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { addListType, authorize, collectionArgs, listArgs, type Listed, statusOk } from './common.ts';
import type { GatewayContext } from './context.ts';
import type { StatusRef } from './refs.ts';

/**
 * The context of a document operation. Appwrite's `transactionId` is accepted so SDK-shaped operations parse,
 * but transactions are not implemented: one is refused rather than ignored.
 */
function documentContext(context: GatewayContext, scope: string, transactionId: string | null | undefined): DocumentContext {
  if (transactionId != null) throw new AppwriteError('general_not_implemented', 'Transactions are not supported by this gateway: omit transactionId.');
  const catalog = authorize(context, scope);
  const { countLimit, maxListLimit, maxOffset } = context.services.config;
  return { catalog, caller: context.caller, limits: { countLimit, maxListLimit, maxOffset } };
}

/** Bulk answers list exactly what was written: their total is their length. */
const written = (documents: DocumentOut[]): Listed<DocumentOut> => ({ items: documents, total: async () => documents.length });

const transactionArg = (arg: ArgBuilder) => ({
  transactionId: arg.string({ required: false, description: 'Appwrite transaction ID. Transactions are not supported: omit it or pass null (anything else is general_not_implemented).' }),
});

const documentArgs = (arg: ArgBuilder) => ({
  ...collectionArgs(arg),
  documentId: arg.string({ required: true, description: 'Document ID.' }),
  ...transactionArg(arg),
});

const dataArg = (arg: ArgBuilder, required: boolean) =>
  arg({ type: 'Json', required, description: 'Attribute values as a JSON object, e.g. {"title": "Hello", "year": 2024}, checked against the collection\'s attributes.' });

const permissionsArg = (arg: ArgBuilder) =>
  arg.stringList({ required: false, description: 'Document permissions, e.g. read("any"), update("user:ID"); a user may grant only roles they have. Omitted: kept on update; on create, read, update and delete for the creating user (none for an API key).' });

export function addDocumentSchema(builder: Builder, refs: { Status: StatusRef }) {
  const Document = builder.objectRef<DocumentOut>('Document').implement({
    description: 'A document of a collection: system fields plus `data`, the JSON text of its attribute values.',
    fields: (t) => ({
      _id: t.exposeString('_id', { description: 'Document ID.' }),
      _sequence: t.field({ type: 'Int64', description: 'Insertion sequence number, increasing within the collection.', resolve: (d) => d._sequence }),
      _collectionId: t.exposeString('_collectionId', { description: 'Collection ID.' }),
      _databaseId: t.exposeString('_databaseId', { description: 'Database ID.' }),
      _createdAt: t.exposeString('_createdAt', { description: 'Creation date in ISO 8601 format.' }),
      _updatedAt: t.exposeString('_updatedAt', { description: 'Update date in ISO 8601 format.' }),
      _permissions: t.exposeStringList('_permissions', { description: 'Document permissions, e.g. read("any").' }),
      data: t.exposeString('data', { description: 'The attribute values as a JSON object in a string (as Appwrite\'s GraphQL returns it): JSON.parse it.' }),
    }),
  });

  const DocumentList = addListType(builder, 'DocumentList', 'documents', Document);

  builder.queryFields((t) => ({
    databasesListDocuments: t.field({
      type: DocumentList,
      description: 'List documents, filtered, sorted and paged by queries on any attribute and on $id, $sequence, $createdAt and $updatedAt (all run in SQL); only documents the caller may read.',
      args: { ...collectionArgs(t.arg), ...listArgs(t.arg), ...transactionArg(t.arg) },
      resolve: async (_, args, context) => {
        const page = await listDocuments(documentContext(context, 'documents.read', args.transactionId), args);
        return { items: page.documents, total: page.total };
      },
    }),
    databasesGetDocument: t.field({
      type: Document,
      description: 'Get a document by its ID.',
      args: { ...documentArgs(t.arg), queries: t.arg.stringList({ required: false, description: 'Only select queries, e.g. {"method":"select","values":["title"]}: the attributes `data` should hold.' }) },
      resolve: (_, args, context) => getDocument(documentContext(context, 'documents.read', args.transactionId), args),
    }),
  }));

  builder.mutationFields((t) => ({
    databasesCreateDocument: t.field({
      type: Document,
      description: 'Create a document. Its data is checked against the collection\'s attributes: required ones must be there, unknown keys are refused.',
      args: { ...documentArgs(t.arg), data: dataArg(t.arg, true), permissions: permissionsArg(t.arg) },
      resolve: (_, args, context) =>
        createDocument(documentContext(context, 'documents.write', args.transactionId), args),
    }),
    databasesUpdateDocument: t.field({
      type: Document,
      description: 'Update some attributes of a document (a partial update) and, optionally, its permissions.',
      args: { ...documentArgs(t.arg), data: dataArg(t.arg, false), permissions: permissionsArg(t.arg) },
      resolve: (_, args, context) =>
        updateDocument(documentContext(context, 'documents.write', args.transactionId), args),
    }),
    databasesUpsertDocument: t.field({
      type: Document,
      description: 'Create the document, or update the given attributes of the existing one; permissions, when given, replace the old ones.',
      args: { ...documentArgs(t.arg), data: dataArg(t.arg, false), permissions: permissionsArg(t.arg) },
      resolve: (_, args, context) =>
        upsertDocument(documentContext(context, 'documents.write', args.transactionId), args),
    }),
    databasesDeleteDocument: t.field({
      type: refs.Status,
      description: 'Delete a document.',
      args: documentArgs(t.arg),
      resolve: async (_, args, context) => {
        await deleteDocument(documentContext(context, 'documents.write', args.transactionId), args);
        return statusOk;
      },
    }),
    databasesUpsertDocuments: t.field({
      type: DocumentList,
      description: `Create or update many documents in one transaction: all of them or none. Each item holds \`$id\`, optional \`$permissions\`, and attribute values.`,
      args: { ...collectionArgs(t.arg), ...transactionArg(t.arg), documents: t.arg({ type: ['Json'], required: true, description: `Documents to upsert (at most ${MAX_BATCH}).` }) },
      resolve: async (_, args, context) =>
        written(await upsertDocuments(documentContext(context, 'documents.write', args.transactionId), args)),
    }),
    databasesUpdateDocuments: t.field({
      type: DocumentList,
      description: `Apply the same partial update to the documents that match the queries (all of them without queries; at most ${MAX_BATCH}, in query order), in one transaction; returns them.`,
      args: { ...collectionArgs(t.arg), ...transactionArg(t.arg), data: dataArg(t.arg, false), queries: t.arg.stringList({ required: false, description: `Queries choosing the documents, e.g. equal, limit (at most ${MAX_BATCH}) and order; none: all documents.` }) },
      resolve: async (_, args, context) =>
        written(await updateDocuments(documentContext(context, 'documents.write', args.transactionId), args)),
    }),
    databasesDeleteDocuments: t.field({
      type: DocumentList,
      description: `Delete the documents that match the queries (all of them without queries; at most ${MAX_BATCH}, in query order), in one transaction; returns them.`,
      args: { ...collectionArgs(t.arg), ...transactionArg(t.arg), queries: t.arg.stringList({ required: false, description: `Queries choosing the documents, e.g. equal, limit (at most ${MAX_BATCH}) and order; none: all documents.` }) },
      resolve: async (_, args, context) =>
        written(await deleteDocuments(documentContext(context, 'documents.write', args.transactionId), args)),
    }),
    databasesIncrementDocumentAttribute: t.field({
      type: Document,
      description: 'Add to a non-array integer or float attribute atomically; refused (attribute_limit_exceeded) rather than passing `max` or the attribute\'s own maximum.',
      args: {
        ...documentArgs(t.arg),
        attribute: t.arg.string({ required: true, description: 'Attribute key.' }),
        value: t.arg.float({ required: false, description: 'Amount to add, a positive number (default 1).' }),
        max: t.arg.float({ required: false, description: 'Upper bound the result may not exceed.' }),
      },
      resolve: (_, args, context) =>
        changeDocumentAttribute(documentContext(context, 'documents.write', args.transactionId), 'increment', { ...args, bound: args.max }),
    }),
    databasesDecrementDocumentAttribute: t.field({
      type: Document,
      description: 'Subtract from a non-array integer or float attribute atomically; refused (attribute_limit_exceeded) rather than going below `min` or the attribute\'s own minimum.',
      args: {
        ...documentArgs(t.arg),
        attribute: t.arg.string({ required: true, description: 'Attribute key.' }),
        value: t.arg.float({ required: false, description: 'Amount to subtract, a positive number (default 1).' }),
        min: t.arg.float({ required: false, description: 'Lower bound the result may not go below.' }),
      },
      resolve: (_, args, context) =>
        changeDocumentAttribute(documentContext(context, 'documents.write', args.transactionId), 'decrement', { ...args, bound: args.min }),
    }),
  }));
}
