import { createFileToken, deleteFileToken, getFileToken, listFileTokens, TOKEN_QUERY_FIELDS, updateFileToken, type FileTokenRecord } from '../tokens/file-tokens.ts';
import type { Builder } from './builder.ts';
import { addListType, listArgs, listed, queryableFields, statusOk } from './common.ts';
import type { StatusRef } from './refs.ts';
import { authorizeStorage } from './storage.ts';

export function addTokenSchema(builder: Builder, { Status }: { Status: StatusRef }) {
  const ResourceToken = builder.objectRef<FileTokenRecord>('ResourceToken').implement({
    description: 'A file token: a secret that opens one file\'s view, download and preview URLs to whoever holds it, until it expires or is deleted.',
    fields: (t) => ({
      _id: t.string({ description: 'Token ID.', resolve: (r) => r.id }),
      _createdAt: t.string({ description: 'Creation date in ISO 8601 format.', resolve: (r) => r.createdAt }),
      resourceId: t.exposeString('resourceId', { description: 'The file it opens, as bucketId:fileId.' }),
      resourceType: t.exposeString('resourceType', { description: 'Always "files".' }),
      expire: t.string({ nullable: true, description: 'Expiry date in ISO 8601 format; null when it never expires.', resolve: (r) => r.expire }),
      secret: t.exposeString('secret', { description: 'The JWT to pass as `?token=` on the file URLs.' }),
      accessedAt: t.string({ nullable: true, description: 'Latest use (recorded at most once an hour), in ISO 8601 format.', resolve: (r) => r.accessedAt }),
      viewUrl: t.exposeString('viewUrl', { description: 'The file\'s view URL with this token (absolute when PUBLIC_URL is set).' }),
      downloadUrl: t.exposeString('downloadUrl', { description: 'The file\'s download URL with this token.' }),
      previewUrl: t.exposeString('previewUrl', { description: 'The file\'s preview URL with this token (add width, height, … as query parameters).' }),
    }),
  });
  const ResourceTokenList = addListType(builder, 'ResourceTokenList', 'tokens', ResourceToken);

  builder.queryFields((t) => ({
    tokensList: t.field({
      type: ResourceTokenList,
      description: `List a file\'s tokens (needs update permission on the file), filtered, sorted and paged by queries. ${queryableFields(TOKEN_QUERY_FIELDS)}`,
      args: { bucketId: t.arg.string({ required: true, description: 'Bucket ID.' }), fileId: t.arg.string({ required: true, description: 'File ID.' }), ...listArgs(t.arg) },
      resolve: async (_, args, context) => {
        const { rows, count } = await listFileTokens(authorizeStorage(context, 'tokens.read'), args.bucketId, args.fileId, args.queries, context.services.config.maxListLimit);
        return listed(rows, count, context, args.total);
      },
    }),
    tokensGet: t.field({
      type: ResourceToken,
      description: 'Get a token by its ID.',
      args: { tokenId: t.arg.string({ required: true, description: 'Token ID.' }) },
      resolve: (_, args, context) => getFileToken(authorizeStorage(context, 'tokens.read'), args.tokenId),
    }),
  }));

  builder.mutationFields((t) => ({
    tokensCreateFileToken: t.field({
      type: ResourceToken,
      description: 'Create a token that opens the file (needs update permission on the file or its bucket).',
      args: {
        bucketId: t.arg.string({ required: true, description: 'Bucket ID.' }),
        fileId: t.arg.string({ required: true, description: 'File ID.' }),
        expire: t.arg.string({ required: false, description: 'Expiry date in ISO 8601 format, in the future; omitted: never expires.' }),
      },
      resolve: (_, args, context) => createFileToken(authorizeStorage(context, 'tokens.write'), args),
    }),
    tokensUpdate: t.field({
      type: ResourceToken,
      description: 'Change a token\'s expiry (null: never). URLs already handed out follow the new expiry.',
      args: {
        tokenId: t.arg.string({ required: true, description: 'Token ID.' }),
        expire: t.arg.string({ required: false, description: 'Expiry date in ISO 8601 format, in the future; null: never expires.' }),
      },
      resolve: (_, args, context) => updateFileToken(authorizeStorage(context, 'tokens.write'), args.tokenId, args.expire),
    }),
    tokensDelete: t.field({
      type: Status,
      description: 'Delete a token: its URLs stop working on the next request.',
      args: { tokenId: t.arg.string({ required: true, description: 'Token ID.' }) },
      resolve: async (_, args, context) => {
        await deleteFileToken(authorizeStorage(context, 'tokens.write'), args.tokenId);
        return statusOk;
      },
    }),
  }));
}
