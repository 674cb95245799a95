import { AppwriteError } from '../errors/appwrite-error.ts';
import type { Bucket } from '../generated/sqlite/client.ts';
import { onUniqueViolation } from '../metadata/catalog.ts';
import { metadataListArgs, runMetadataList, type MetadataColumn } from '../metadata/list-queries.ts';
import { COLLECTION_ACTIONS, formatPermission, parsePermissions, type Permission } from '../permissions/permission.ts';
import { nowIso } from '../validation/datetime.ts';
import { resolveId, validateId } from '../validation/ids.ts';
import { invalidParam, validateName } from '../validation/params.ts';
import type { StorageContext, StorageServices } from './context.ts';

/** A bucket as the API answers it: the row, its parsed permissions and extensions, and the size of its files. */
export interface BucketRecord extends Bucket {
  permissionList: Permission[];
  extensions: string[];
  totalSize: number;
}

export const BUCKET_QUERY_FIELDS: Record<string, MetadataColumn> = {
  $id: 'id',
  name: 'name',
  enabled: 'enabled',
  fileSecurity: 'fileSecurity',
  maximumFileSize: 'maximumFileSize',
  $createdAt: 'createdAt',
  $updatedAt: 'updatedAt',
};

// Appwrite's limits: at most 100 extensions of at most 64 characters.
const MAX_EXTENSIONS = 100;
const MAX_EXTENSION_LENGTH = 64;

export interface BucketInput {
  name?: string | null;
  permissions?: readonly string[] | null;
  fileSecurity?: boolean | null;
  enabled?: boolean | null;
  maximumFileSize?: number | null;
  allowedFileExtensions?: readonly string[] | null;
  compression?: string | null;
  encryption?: boolean | null;
  antivirus?: boolean | null;
  transformations?: boolean | null;
}

export const bucketNotFound = () => new AppwriteError('storage_bucket_not_found', 'Storage bucket with the requested ID could not be found.');

export function toBucketRecord(row: Bucket, totalSize: number): BucketRecord {
  return {
    ...row,
    permissionList: parsePermissions(JSON.parse(row.permissions) as string[], COLLECTION_ACTIONS),
    extensions: JSON.parse(row.allowedFileExtensions) as string[],
    totalSize,
  };
}

/**
 * The bucket a file operation addresses. Disabled buckets are invisible without an API key (Appwrite's
 * rule), exactly as missing ones.
 */
export async function requireBucket(ctx: StorageContext, bucketId: string): Promise<BucketRecord> {
  validateId(bucketId, 'bucketId');
  const row = await ctx.db.prisma.bucket.findUnique({ where: { id: bucketId } });
  if (!row || (!row.enabled && ctx.caller.kind !== 'key')) throw bucketNotFound();
  return toBucketRecord(row, 0);
}

/** Sizes of the buckets' files, in one query for a whole page of buckets. */
async function totalSizes(services: StorageServices, sequences: number[]): Promise<Map<number, number>> {
  if (!sequences.length) return new Map();
  const sums = await services.db.prisma.file.groupBy({ by: ['bucketSequence'], where: { bucketSequence: { in: sequences } }, _sum: { sizeOriginal: true } });
  return new Map(sums.map((sum) => [sum.bucketSequence, sum._sum.sizeOriginal ?? 0]));
}

async function withTotals(services: StorageServices, rows: Bucket[]): Promise<BucketRecord[]> {
  const sizes = await totalSizes(services, rows.map((row) => row.sequence));
  return rows.map((row) => toBucketRecord(row, sizes.get(row.sequence) ?? 0));
}

export async function listBuckets(services: StorageServices, queries: readonly string[] | null | undefined, search: string | null | undefined, maxLimit?: number) {
  const args = metadataListArgs(queries, BUCKET_QUERY_FIELDS, maxLimit);
  const scope = search ? { OR: [{ name: { contains: search } }, { id: { contains: search } }] } : {};
  const prisma = services.db.prisma;
  const { rows, count } = await runMetadataList<Bucket>(args, scope, {
    find: (q) => prisma.bucket.findMany(q),
    count: (q) => prisma.bucket.count(q),
    sequenceOf: async (id) => (await prisma.bucket.findUnique({ where: { id }, select: { sequence: true } }))?.sequence ?? null,
  });
  return { rows: await withTotals(services, rows), count };
}

export async function getBucket(services: StorageServices, bucketId: string): Promise<BucketRecord> {
  validateId(bucketId, 'bucketId');
  const row = await services.db.prisma.bucket.findUnique({ where: { id: bucketId } });
  if (!row) throw bucketNotFound();
  return (await withTotals(services, [row]))[0]!;
}

/** Bucket settings as stored, checked; only the given ones (an update keeps the rest). */
function settings(services: StorageServices, input: BucketInput) {
  const data: Partial<Omit<Bucket, 'sequence' | 'id' | 'createdAt' | 'updatedAt'>> = {};
  if (input.name != null) data.name = validateName(input.name);
  if (input.permissions != null) data.permissions = JSON.stringify(parsePermissions(input.permissions, COLLECTION_ACTIONS).map(formatPermission));
  if (input.fileSecurity != null) data.fileSecurity = input.fileSecurity;
  if (input.enabled != null) data.enabled = input.enabled;
  if (input.maximumFileSize != null) {
    const size = input.maximumFileSize;
    if (!Number.isInteger(size) || size < 1 || size > services.maxFileBytes) {
      throw invalidParam('maximumFileSize', `Value must be a valid range between 1 and ${services.maxFileBytes.toLocaleString('en-US')}`);
    }
    data.maximumFileSize = size;
  }
  if (input.allowedFileExtensions != null) data.allowedFileExtensions = JSON.stringify(validateExtensions(input.allowedFileExtensions));
  // Files are stored as uploaded: no compression, no encryption at rest (the disk's own encryption applies),
  // no virus scanning. Asking for them is refused rather than silently ignored.
  if (input.compression != null && input.compression !== 'none') {
    throw new AppwriteError('general_not_implemented', 'Compression is not supported by this gateway: use "none".');
  }
  if (input.encryption) throw new AppwriteError('general_not_implemented', 'Encryption at rest is not supported by this gateway: use false (encrypt the storage volume instead).');
  if (input.antivirus) throw new AppwriteError('general_not_implemented', 'Virus scanning is not supported by this gateway: use false.');
  if (input.transformations != null) data.transformations = input.transformations;
  return data;
}

/** Lower-cased, without a leading dot, unique; Appwrite's limits on count and length. */
function validateExtensions(extensions: readonly string[]): string[] {
  if (extensions.length > MAX_EXTENSIONS) throw invalidParam('allowedFileExtensions', `Value must be an array of at most ${MAX_EXTENSIONS} items`);
  const cleaned = extensions.map((extension) => extension.replace(/^\./, '').toLowerCase());
  for (const extension of cleaned) {
    if (!/^[a-z0-9][a-z0-9._+-]*$/.test(extension) || extension.length > MAX_EXTENSION_LENGTH) {
      throw invalidParam('allowedFileExtensions', `Each extension must be 1 to ${MAX_EXTENSION_LENGTH} letters, digits, '.', '_', '+' or '-'`);
    }
  }
  return [...new Set(cleaned)];
}

export async function createBucket(services: StorageServices, input: BucketInput & { bucketId: string; name: string }): Promise<BucketRecord> {
  const id = resolveId(input.bucketId, 'bucketId');
  const at = nowIso(services.now);
  const data = settings(services, input);
  const row = await onUniqueViolation(
    services.db.prisma.bucket.create({ data: { maximumFileSize: services.maxFileBytes, ...data, name: data.name!, id, createdAt: at, updatedAt: at } }),
    'storage_bucket_already_exists',
    'A storage bucket with the requested ID already exists.',
  );
  return toBucketRecord(row, 0);
}

export async function updateBucket(services: StorageServices, input: BucketInput & { bucketId: string; name: string }): Promise<BucketRecord> {
  const current = await getBucket(services, input.bucketId);
  const row = await services.db.prisma.bucket.update({ where: { sequence: current.sequence }, data: { ...settings(services, input), updatedAt: nowIso(services.now) } });
  return toBucketRecord(row, current.totalSize);
}

/**
 * Deletes the bucket with its files and tokens (foreign keys cascade), then the files' bytes. On PostgreSQL
 * the bucket row is locked first: an upload racing with the delete waits (its insert needs the row) and then
 * fails, rather than committing a file whose bytes this delete would not know to remove.
 */
export async function deleteBucket(services: StorageServices, bucketId: string): Promise<void> {
  const bucket = await getBucket(services, bucketId);
  const files = await services.db.prisma.$transaction(async (tx) => {
    if (services.db.dialect === 'postgresql') await tx.$queryRawUnsafe('SELECT 1 FROM "Bucket" WHERE "sequence" = $1 FOR UPDATE', bucket.sequence);
    const paths = await tx.file.findMany({ where: { bucketSequence: bucket.sequence }, select: { storagePath: true } });
    await tx.bucket.delete({ where: { sequence: bucket.sequence } });
    return paths;
  });
  for (const file of files) await services.store.remove(file.storagePath);
}
