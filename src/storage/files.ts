import { extname } from 'node:path';
import { AppwriteError } from '../errors/appwrite-error.ts';
import type { File as FileRow } from '../generated/sqlite/client.ts';
import { metadataListArgs, runMetadataList, type MetadataColumn } from '../metadata/list-queries.ts';
import { assertGrantable } from '../permissions/document-access.ts';
import { DOCUMENT_ACTIONS, formatPermission, parsePermissions, type Action, type Permission } from '../permissions/permission.ts';
import { defaultDocumentPermissions } from '../permissions/roles.ts';
import { nowIso } from '../validation/datetime.ts';
import { resolveId, validateId } from '../validation/ids.ts';
import { invalidParam } from '../validation/params.ts';
import { checkString } from '../validation/values.ts';
import { bucketGrants, fileGrants, readableFilesWhere } from './access.ts';
import { bucketNotFound, requireBucket, type BucketRecord } from './buckets.ts';
import type { StorageContext, StorageServices } from './context.ts';
import { detectMimeType, sweepOrphans } from './file-store.ts';
import type { UploadedFile } from './uploads.ts';

/** A file as the API answers it. */
export interface FileRecord extends FileRow {
  bucketId: string;
  permissionList: Permission[];
}

export const FILE_QUERY_FIELDS: Record<string, MetadataColumn> = {
  $id: 'id',
  name: 'name',
  mimeType: 'mimeType',
  sizeOriginal: 'sizeOriginal',
  signature: 'signature',
  $createdAt: 'createdAt',
  $updatedAt: 'updatedAt',
};

const MAX_FILE_NAME_LENGTH = 255;

export const fileNotFound = () => new AppwriteError('storage_file_not_found', 'The requested file could not be found.');
const unauthorized = () => new AppwriteError('user_unauthorized', 'The current user is not authorized to perform the requested action.');

export const toFileRecord = (bucket: BucketRecord, row: FileRow): FileRecord => ({
  ...row,
  bucketId: bucket.id,
  permissionList: parsePermissions(JSON.parse(row.permissions) as string[], DOCUMENT_ACTIONS),
});

/** Permissions as given (checked, and only roles the caller holds), else the creator's own (users only). */
function filePermissions(ctx: StorageContext, given: readonly string[] | null | undefined): Permission[] {
  const permissions = given == null ? defaultDocumentPermissions(ctx.caller.kind === 'user' ? ctx.caller.userId : null) : parsePermissions(given, DOCUMENT_ACTIONS);
  assertGrantable(permissions, ctx.caller);
  return permissions;
}

/** The stored permissions and their (action, role) rows, written together. */
const permissionData = (permissions: readonly Permission[]) => ({
  permissions: JSON.stringify(permissions.map(formatPermission)),
  grants: { create: permissions.map(({ action, role }) => ({ action, role })) },
});

function checkName(name: string): string {
  const check = checkString(name, MAX_FILE_NAME_LENGTH);
  if (!check.ok || check.value === '') throw invalidParam('name', `Value must be a valid string and at least 1 chars and no longer than ${MAX_FILE_NAME_LENGTH} chars`);
  return check.value;
}

/** The upload against the bucket's rules: not empty, not too large, an allowed extension. */
function checkUpload(bucket: BucketRecord, upload: UploadedFile): void {
  if (upload.size === 0) throw new AppwriteError('storage_file_empty', 'Empty file passed to the endpoint.');
  if (upload.size > bucket.maximumFileSize) {
    throw new AppwriteError('storage_invalid_file_size', `File size not allowed: the bucket accepts at most ${bucket.maximumFileSize} bytes.`);
  }
  const extension = extname(upload.name).slice(1).toLowerCase();
  if (bucket.extensions.length && !bucket.extensions.includes(extension)) {
    throw new AppwriteError('storage_file_type_unsupported', `The given file extension is not supported: allowed are ${bucket.extensions.join(', ')}.`);
  }
}

/**
 * Stores an upload: checked against the bucket first, then its bytes renamed into the store and its row
 * written; if the row cannot be written (an ID taken meanwhile), the bytes go again. Until then the upload is
 * a temporary file that the upload plugin deletes after the response.
 */
export async function createFile(
  ctx: StorageContext,
  input: { bucketId: string; fileId: string; file: UploadedFile; permissions?: readonly string[] | null },
): Promise<FileRecord> {
  const bucket = await requireBucket(ctx, input.bucketId);
  if (!bucketGrants(bucket, 'create', ctx.caller)) throw unauthorized();
  const id = resolveId(input.fileId, 'fileId');
  const permissions = filePermissions(ctx, input.permissions);
  const name = checkName(input.file.name || id);
  checkUpload(bucket, input.file);
  const mimeType = await detectMimeType(input.file.head);
  const storagePath = await ctx.store.allocate();
  await input.file.moveTo(ctx.store.absolute(storagePath));
  const at = nowIso(ctx.now);
  try {
    const row = await ctx.db.prisma.file.create({
      data: {
        id,
        bucketSequence: bucket.sequence,
        name,
        storagePath,
        signature: input.file.md5,
        mimeType,
        sizeOriginal: input.file.size,
        createdAt: at,
        updatedAt: at,
        ...permissionData(permissions),
      },
    });
    return toFileRecord(bucket, row);
  } catch (error) {
    await ctx.store.remove(storagePath);
    const code = (error as { code?: string }).code;
    if (code === 'P2002') throw new AppwriteError('storage_file_already_exists', 'A storage file with the requested ID already exists.');
    // The bucket was deleted while the file arrived.
    if (code === 'P2003' || code === 'P2025') throw bucketNotFound();
    throw error;
  }
}

export async function listFiles(ctx: StorageContext, bucketId: string, queries: readonly string[] | null | undefined, search: string | null | undefined, maxLimit?: number) {
  const bucket = await requireBucket(ctx, bucketId);
  const args = metadataListArgs(queries, FILE_QUERY_FIELDS, maxLimit);
  const readable = readableFilesWhere(bucket, ctx.caller);
  const scope = { bucketSequence: bucket.sequence, ...readable, ...(search ? { OR: [{ name: { contains: search } }, { id: { contains: search } }] } : {}) };
  const prisma = ctx.db.prisma;
  const { rows, count } = await runMetadataList<FileRow>(args, scope, {
    find: (q) => prisma.file.findMany(q),
    count: (q) => prisma.file.count(q),
    // A cursor the caller may not read is "not found", exactly as a missing one.
    sequenceOf: async (id) => (await prisma.file.findFirst({ where: { bucketSequence: bucket.sequence, id, ...readable }, select: { sequence: true } }))?.sequence ?? null,
  });
  return { rows: rows.map((row) => toFileRecord(bucket, row)), count };
}

/**
 * The file if the caller may `action` it. Without that permission, a caller who may read it is told so
 * (user_unauthorized); anyone else gets storage_file_not_found, as for a missing file.
 */
export async function requireFile(ctx: StorageContext, bucketId: string, fileId: string, action: Action): Promise<{ bucket: BucketRecord; file: FileRecord }> {
  const bucket = await requireBucket(ctx, bucketId);
  validateId(fileId, 'fileId');
  const row = await ctx.db.prisma.file.findUnique({ where: { bucketSequence_id: { bucketSequence: bucket.sequence, id: fileId } } });
  if (!row) throw fileNotFound();
  const file = toFileRecord(bucket, row);
  if (fileGrants(bucket, file.permissionList, action, ctx.caller)) return { bucket, file };
  if (action !== 'read' && fileGrants(bucket, file.permissionList, 'read', ctx.caller)) throw unauthorized();
  throw fileNotFound();
}

export const getFile = async (ctx: StorageContext, bucketId: string, fileId: string): Promise<FileRecord> => (await requireFile(ctx, bucketId, fileId, 'read')).file;

export async function updateFile(
  ctx: StorageContext,
  input: { bucketId: string; fileId: string; name?: string | null; permissions?: readonly string[] | null },
): Promise<FileRecord> {
  const name = input.name == null ? null : checkName(input.name);
  const permissions = input.permissions == null ? null : filePermissions(ctx, input.permissions);
  const { bucket, file } = await requireFile(ctx, input.bucketId, input.fileId, 'update');
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    if (permissions) await tx.filePermission.deleteMany({ where: { fileSequence: file.sequence } });
    return tx.file.update({
      where: { sequence: file.sequence },
      data: { ...(name === null ? {} : { name }), ...(permissions ? permissionData(permissions) : {}), updatedAt: nowIso(ctx.now) },
    });
  });
  return toFileRecord(bucket, row);
}

/** Deletes the file with its tokens (foreign keys cascade), then its bytes. */
export async function deleteFile(ctx: StorageContext, bucketId: string, fileId: string): Promise<void> {
  const { file } = await requireFile(ctx, bucketId, fileId, 'delete');
  await ctx.db.prisma.file.delete({ where: { sequence: file.sequence } });
  await ctx.store.remove(file.storagePath);
}

/** Removes stored bytes no file row names (see sweepOrphans); returns how many. */
export const sweepStoredOrphans = (services: StorageServices): Promise<number> =>
  sweepOrphans(services.store, async (paths) => {
    const rows = await services.db.prisma.file.findMany({ where: { storagePath: { in: paths } }, select: { storagePath: true } });
    return new Set(rows.map((row) => row.storagePath));
  });
