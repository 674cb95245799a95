import { requireScope } from '../auth/api-keys.ts';
import { BUCKET_QUERY_FIELDS, createBucket, deleteBucket, getBucket, listBuckets, updateBucket, type BucketRecord } from '../storage/buckets.ts';
import type { StorageContext } from '../storage/context.ts';
import { createFile, deleteFile, FILE_QUERY_FIELDS, getFile, listFiles, updateFile, type FileRecord } from '../storage/files.ts';
import type { ArgBuilder, Builder } from './builder.ts';
import { addListType, listArgs, listed, newIdDescription, queryableFields, statusOk } from './common.ts';
import type { GatewayContext } from './context.ts';
import type { StatusRef } from './refs.ts';

/** Checks the caller's scope and hands back what the storage services work with. */
export function authorizeStorage(context: GatewayContext, scope: string): StorageContext {
  requireScope(context.caller, scope);
  return { ...context.services.storage, caller: context.caller };
}

const bucketSettingArgs = (arg: ArgBuilder) => ({
  permissions: arg.stringList({ required: false, description: 'Permission strings (create, read, update, delete), e.g. create("users"). None by default: only API keys get in.' }),
  fileSecurity: arg.boolean({ required: false, description: 'Whether file permissions count too: a caller passes if the bucket or the file grants the action.' }),
  enabled: arg.boolean({ required: false, description: 'When false, the bucket and its files are invisible without an API key; nothing is lost (default true).' }),
  maximumFileSize: arg.int({ required: false, description: 'Largest file accepted, in bytes (at most MAX_FILE_BYTES, the default).' }),
  allowedFileExtensions: arg.stringList({ required: false, description: 'Extensions accepted, without the dot and regardless of case: at most 100, each at most 64 chars. Empty (the default) accepts any.' }),
  compression: arg.string({ required: false, description: 'Only "none" (the default): files are stored as uploaded; gzip and zstd are general_not_implemented.' }),
  encryption: arg.boolean({ required: false, description: 'Only false (the default): the gateway does not encrypt at rest (encrypt the volume); true is general_not_implemented.' }),
  antivirus: arg.boolean({ required: false, description: 'Only false (the default): there is no virus scanning; true is general_not_implemented.' }),
  transformations: arg.boolean({ required: false, description: 'Whether image previews are allowed (default true).' }),
});

export function addStorageSchema(builder: Builder, { Status }: { Status: StatusRef }) {
  const Bucket = builder.objectRef<BucketRecord>('Bucket').implement({
    description: 'A storage bucket: files with permissions, a size limit and allowed extensions.',
    fields: (t) => ({
      _id: t.string({ description: 'Bucket ID.', resolve: (b) => b.id }),
      _createdAt: t.string({ description: 'Creation date in ISO 8601 format.', resolve: (b) => b.createdAt }),
      _updatedAt: t.string({ description: 'Update date in ISO 8601 format.', resolve: (b) => b.updatedAt }),
      _permissions: t.stringList({ description: 'Bucket permissions.', resolve: (b) => JSON.parse(b.permissions) as string[] }),
      fileSecurity: t.exposeBoolean('fileSecurity', { description: 'Whether file permissions count too.' }),
      name: t.exposeString('name', { description: 'Bucket name.' }),
      enabled: t.exposeBoolean('enabled', { description: 'When false, invisible without an API key.' }),
      maximumFileSize: t.exposeInt('maximumFileSize', { description: 'Largest file accepted, in bytes.' }),
      allowedFileExtensions: t.stringList({ description: 'Extensions accepted; empty accepts any.', resolve: (b) => b.extensions }),
      compression: t.exposeString('compression', { description: 'Always "none": files are stored as uploaded.' }),
      encryption: t.exposeBoolean('encryption', { description: 'Always false: the gateway does not encrypt files at rest.' }),
      antivirus: t.exposeBoolean('antivirus', { description: 'Always false: files are not scanned for viruses.' }),
      transformations: t.exposeBoolean('transformations', { description: 'Whether image previews are allowed.' }),
      totalSize: t.field({ type: 'Int64', description: 'Total size of the bucket\'s files in bytes (beyond 2 GiB: not a 32-bit Int).', resolve: (b) => BigInt(b.totalSize) }),
    }),
  });

  const File = builder.objectRef<FileRecord>('File').implement({
    description: 'A stored file. Its bytes are served at /v1/storage/buckets/{bucketId}/files/{fileId}/view, /download and /preview.',
    fields: (t) => ({
      _id: t.string({ description: 'File ID.', resolve: (f) => f.id }),
      bucketId: t.exposeString('bucketId', { description: 'Bucket ID.' }),
      _createdAt: t.string({ description: 'Creation date in ISO 8601 format.', resolve: (f) => f.createdAt }),
      _updatedAt: t.string({ description: 'Update date in ISO 8601 format.', resolve: (f) => f.updatedAt }),
      _permissions: t.stringList({ description: 'File permissions.', resolve: (f) => JSON.parse(f.permissions) as string[] }),
      name: t.exposeString('name', { description: 'File name.' }),
      signature: t.exposeString('signature', { description: 'MD5 of the content, hex.' }),
      mimeType: t.exposeString('mimeType', { description: 'MIME type detected from the content.' }),
      sizeOriginal: t.exposeInt('sizeOriginal', { description: 'File size in bytes.' }),
      chunksTotal: t.int({ description: 'Always 1: uploads arrive whole.', resolve: () => 1 }),
      chunksUploaded: t.int({ description: 'Always 1: uploads arrive whole.', resolve: () => 1 }),
      encryption: t.boolean({ description: 'Always false: stored without encryption at rest.', resolve: () => false }),
      compression: t.string({ description: 'Always "none": stored as uploaded.', resolve: () => 'none' }),
    }),
  });

  const BucketList = addListType(builder, 'BucketList', 'buckets', Bucket);
  const FileList = addListType(builder, 'FileList', 'files', File);
  const search = (arg: ArgBuilder) => arg.string({ required: false, description: 'Text to look for in names and IDs (a substring match).' });
  const bucketId = (arg: ArgBuilder) => arg.string({ required: true, description: 'Bucket ID.' });
  const fileAddress = (arg: ArgBuilder) => ({ bucketId: bucketId(arg), fileId: arg.string({ required: true, description: 'File ID.' }) });

  builder.queryFields((t) => ({
    storageListBuckets: t.field({
      type: BucketList,
      description: `List buckets (API key with buckets.read), filtered, sorted and paged by queries. ${queryableFields(BUCKET_QUERY_FIELDS)}`,
      args: { ...listArgs(t.arg), search: search(t.arg) },
      resolve: async (_, args, context) => {
        const { rows, count } = await listBuckets(authorizeStorage(context, 'buckets.read'), args.queries, args.search, context.services.config.maxListLimit);
        return listed(rows, count, context, args.total);
      },
    }),
    storageGetBucket: t.field({
      type: Bucket,
      description: 'Get a bucket by its ID.',
      args: { bucketId: bucketId(t.arg) },
      resolve: (_, args, context) => getBucket(authorizeStorage(context, 'buckets.read'), args.bucketId),
    }),
    storageListFiles: t.field({
      type: FileList,
      description: `List the files of a bucket the caller may read, filtered, sorted and paged by queries. ${queryableFields(FILE_QUERY_FIELDS)}`,
      args: { bucketId: bucketId(t.arg), ...listArgs(t.arg), search: search(t.arg) },
      resolve: async (_, args, context) => {
        const { rows, count } = await listFiles(authorizeStorage(context, 'files.read'), args.bucketId, args.queries, args.search, context.services.config.maxListLimit);
        return listed(rows, count, context, args.total);
      },
    }),
    storageGetFile: t.field({
      type: File,
      description: 'Get a file\'s metadata.',
      args: fileAddress(t.arg),
      resolve: (_, args, context) => getFile(authorizeStorage(context, 'files.read'), args.bucketId, args.fileId),
    }),
  }));

  builder.mutationFields((t) => ({
    storageCreateBucket: t.field({
      type: Bucket,
      description: 'Create a bucket.',
      args: {
        bucketId: t.arg.string({ required: true, description: newIdDescription('Bucket') }),
        name: t.arg.string({ required: true, description: 'Bucket name, at most 128 chars.' }),
        ...bucketSettingArgs(t.arg),
      },
      resolve: (_, args, context) => createBucket(authorizeStorage(context, 'buckets.write'), args),
    }),
    storageUpdateBucket: t.field({
      type: Bucket,
      description: 'Update a bucket. Settings not given keep their values.',
      args: { bucketId: bucketId(t.arg), name: t.arg.string({ required: true, description: 'Bucket name, at most 128 chars.' }), ...bucketSettingArgs(t.arg) },
      resolve: (_, args, context) => updateBucket(authorizeStorage(context, 'buckets.write'), args),
    }),
    storageDeleteBucket: t.field({
      type: Status,
      description: 'Delete a bucket with all its files and their tokens.',
      args: { bucketId: bucketId(t.arg) },
      resolve: async (_, args, context) => {
        await deleteBucket(authorizeStorage(context, 'buckets.write'), args.bucketId);
        return statusOk;
      },
    }),
    storageCreateFile: t.field({
      type: File,
      description: 'Upload a file: send it as a GraphQL multipart request (graphql-multipart-request-spec), in the `file` variable. It must fit the bucket\'s maximumFileSize and allowedFileExtensions; its MIME type is detected from the content.',
      args: {
        ...fileAddress(t.arg),
        fileId: t.arg.string({ required: true, description: newIdDescription('File') }),
        file: t.arg({ type: 'InputFile', required: true, description: 'The file, sent as a multipart request part.' }),
        permissions: t.arg.stringList({ required: false, description: 'File permissions (read, update, delete); a user may grant only roles they have. By default the uploading user gets all three (an API key upload gets none).' }),
      },
      resolve: (_, args, context) => createFile(authorizeStorage(context, 'files.write'), args),
    }),
    storageUpdateFile: t.field({
      type: File,
      description: 'Rename a file or replace its permissions.',
      args: {
        ...fileAddress(t.arg),
        name: t.arg.string({ required: false, description: 'New file name, 1 to 255 chars; omit to keep it.' }),
        permissions: t.arg.stringList({ required: false, description: 'New permission strings; omitted keeps the current ones.' }),
      },
      resolve: (_, args, context) => updateFile(authorizeStorage(context, 'files.write'), args),
    }),
    storageDeleteFile: t.field({
      type: Status,
      description: 'Delete a file with its tokens.',
      args: fileAddress(t.arg),
      resolve: async (_, args, context) => {
        await deleteFile(authorizeStorage(context, 'files.write'), args.bucketId, args.fileId);
        return statusOk;
      },
    }),
  }));
}
