import { randomBytes } from 'node:crypto';
import { placeholder } from '../db/dialect.ts';
import { decodeBoolean } from '../documents/codec.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import type { FileToken } from '../generated/sqlite/client.ts';
import { metadataListArgs, runMetadataList, type MetadataColumn } from '../metadata/list-queries.ts';
import { fileGrants } from '../storage/access.ts';
import type { StorageContext, StorageServices } from '../storage/context.ts';
import { toBucketRecord } from '../storage/buckets.ts';
import { requireFile, toFileRecord } from '../storage/files.ts';
import { nowIso, normalizeDatetime } from '../validation/datetime.ts';
import { isValidId, uniqueId, validateId } from '../validation/ids.ts';
import { invalidParam } from '../validation/params.ts';
import { readFileToken, secretMatches, signFileToken } from './token-jwt.ts';

/**
 * File tokens (Appwrite's Tokens service): expiring secrets that open one file's view, download and preview
 * URLs to whoever holds them. Managing a file's tokens takes the permission to update the file; a caller
 * without it is told the token does not exist, as for a missing one.
 */

/** A token as the API answers it (Appwrite's ResourceToken), plus ready-made URLs. */
export interface FileTokenRecord {
  id: string;
  createdAt: string;
  resourceId: string;
  resourceType: 'files';
  expire: string | null;
  /** What goes in `?token=`: a JWT naming the token. */
  secret: string;
  accessedAt: string | null;
  viewUrl: string;
  downloadUrl: string;
  previewUrl: string;
}

export const TOKEN_QUERY_FIELDS: Record<string, MetadataColumn> = { $id: 'id', expire: 'expire', accessedAt: 'accessedAt', $createdAt: 'createdAt', $updatedAt: 'updatedAt' };

/** 96 random bytes: 128 base64url characters. */
const SECRET_BYTES = 96;
/** `accessedAt` is written at most this often per token, so downloads cost no write each. */
const ACCESS_RECORD_INTERVAL_MS = 3600_000;

const tokenNotFound = () => new AppwriteError('token_not_found', 'The requested token could not be found.');

function toRecord(services: StorageServices, token: FileToken, bucketId: string, fileId: string): FileTokenRecord {
  const secret = signFileToken(services.tokenKey, { tokenId: token.id, secret: token.secret }, Date.parse(token.createdAt));
  const url = (kind: 'view' | 'download' | 'preview') =>
    `${services.publicUrl ?? ''}/v1/storage/buckets/${encodeURIComponent(bucketId)}/files/${encodeURIComponent(fileId)}/${kind}?token=${secret}`;
  return {
    id: token.id,
    createdAt: token.createdAt,
    resourceId: `${bucketId}:${fileId}`,
    resourceType: 'files',
    expire: token.expire,
    secret,
    accessedAt: token.accessedAt,
    viewUrl: url('view'),
    downloadUrl: url('download'),
    previewUrl: url('preview'),
  };
}

/** `expire`: none (never expires) or a valid date in the future. */
function validateExpire(services: StorageServices, expire: string | null | undefined): string | null {
  if (expire == null) return null;
  const normalized = normalizeDatetime(expire);
  if (normalized === null) throw invalidParam('expire', 'Value must be valid date in ISO 8601 format');
  if (Date.parse(normalized) <= services.now()) throw invalidParam('expire', 'Value must be a date in the future');
  return normalized;
}

export async function createFileToken(ctx: StorageContext, input: { bucketId: string; fileId: string; expire?: string | null }): Promise<FileTokenRecord> {
  const { bucket, file } = await requireFile(ctx, input.bucketId, input.fileId, 'update');
  const expire = validateExpire(ctx, input.expire);
  const at = nowIso(ctx.now);
  const token = await ctx.db.prisma.fileToken.create({
    data: { id: uniqueId(), fileSequence: file.sequence, secret: randomBytes(SECRET_BYTES).toString('base64url'), expire, createdAt: at, updatedAt: at },
  });
  return toRecord(ctx, token, bucket.id, file.id);
}

export async function listFileTokens(ctx: StorageContext, bucketId: string, fileId: string, queries: readonly string[] | null | undefined, maxLimit?: number) {
  const { bucket, file } = await requireFile(ctx, bucketId, fileId, 'update');
  const args = metadataListArgs(queries, TOKEN_QUERY_FIELDS, maxLimit);
  const prisma = ctx.db.prisma;
  const { rows, count } = await runMetadataList<FileToken>(args, { fileSequence: file.sequence }, {
    find: (q) => prisma.fileToken.findMany(q),
    count: (q) => prisma.fileToken.count(q),
    sequenceOf: async (id) => (await prisma.fileToken.findFirst({ where: { id, fileSequence: file.sequence }, select: { sequence: true } }))?.sequence ?? null,
  });
  return { rows: rows.map((row) => toRecord(ctx, row, bucket.id, file.id)), count };
}

/** The token, if the caller may manage its file (update permission); otherwise, as when missing, token_not_found. */
async function requireToken(ctx: StorageContext, tokenId: string) {
  validateId(tokenId, 'tokenId');
  const token = await ctx.db.prisma.fileToken.findUnique({ where: { id: tokenId }, include: { file: { include: { bucket: true } } } });
  if (!token) throw tokenNotFound();
  const { bucket: bucketRow, ...fileRow } = token.file;
  if (!bucketRow.enabled && ctx.caller.kind !== 'key') throw tokenNotFound();
  const bucket = toBucketRecord(bucketRow, 0);
  const file = toFileRecord(bucket, fileRow);
  if (!fileGrants(bucket, file.permissionList, 'update', ctx.caller)) throw tokenNotFound();
  return { token, bucketId: bucket.id, fileId: file.id };
}

export async function getFileToken(ctx: StorageContext, tokenId: string): Promise<FileTokenRecord> {
  const { token, bucketId, fileId } = await requireToken(ctx, tokenId);
  return toRecord(ctx, token, bucketId, fileId);
}

/** Extending or shortening applies to the URLs already handed out: their JWT names the token, not an expiry. */
export async function updateFileToken(ctx: StorageContext, tokenId: string, expire: string | null | undefined): Promise<FileTokenRecord> {
  const { token, bucketId, fileId } = await requireToken(ctx, tokenId);
  const updated = await ctx.db.prisma.fileToken.update({ where: { sequence: token.sequence }, data: { expire: validateExpire(ctx, expire), updatedAt: nowIso(ctx.now) } });
  return toRecord(ctx, updated, bucketId, fileId);
}

export async function deleteFileToken(ctx: StorageContext, tokenId: string): Promise<void> {
  const { token } = await requireToken(ctx, tokenId);
  await ctx.db.prisma.fileToken.delete({ where: { sequence: token.sequence } });
}

/** A file a token opens: what serving it needs. */
export interface TokenFile {
  storagePath: string;
  name: string;
  mimeType: string;
  sizeOriginal: number;
  signature: string;
  transformations: boolean;
}

// One indexed join, straight through the SQL executor: this runs on every token download, where Prisma's
// per-query overhead would be several times the cost of the lookup itself.
const TOKEN_FILE_SQL = (p: string) =>
  'SELECT t."sequence" AS "tokenSequence", t."secret", t."expire", t."accessedAt", f."id" AS "fileId", f."name", f."storagePath", ' +
  'f."mimeType", f."sizeOriginal", f."signature", b."id" AS "bucketId", b."enabled", b."transformations" ' +
  'FROM "FileToken" t JOIN "File" f ON f."sequence" = t."fileSequence" JOIN "Bucket" b ON b."sequence" = f."bucketSequence" ' +
  `WHERE t."id" = ${p}`;

/**
 * The file `jwt` opens at this bucket and file, or null: the JWT must verify, and the token it names must still
 * exist with the same secret, be unexpired by its current `expire`, belong to exactly this file, in an enabled
 * bucket. Records the access at most once an hour.
 */
export async function fileOpenedByToken(services: StorageServices, jwt: string, bucketId: string, fileId: string): Promise<TokenFile | null> {
  const now = services.now();
  const claims = readFileToken(services.tokenKey, jwt, now);
  if (!claims || !isValidId(claims.tokenId)) return null;
  const sql = services.db.sql;
  const [row] = await sql.query(TOKEN_FILE_SQL(placeholder(sql.dialect, 1)), [claims.tokenId]);
  if (!row || !secretMatches(claims.secret, String(row['secret']))) return null;
  const expire = row['expire'] as string | null;
  if (expire !== null && Date.parse(expire) <= now) return null;
  if (row['fileId'] !== fileId || row['bucketId'] !== bucketId || !decodeBoolean(row['enabled'])) return null;
  const accessedAt = row['accessedAt'] as string | null;
  if (accessedAt === null || Date.parse(accessedAt) <= now - ACCESS_RECORD_INTERVAL_MS) {
    // updateMany: a token deleted since the read above is no error here (the next use finds it gone).
    await services.db.prisma.fileToken.updateMany({ where: { sequence: Number(row['tokenSequence']) }, data: { accessedAt: nowIso(() => now) } });
  }
  return {
    storagePath: String(row['storagePath']),
    name: String(row['name']),
    mimeType: String(row['mimeType']),
    sizeOriginal: Number(row['sizeOriginal']),
    signature: String(row['signature']),
    transformations: decodeBoolean(row['transformations']),
  };
}
