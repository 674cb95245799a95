import type { Caller } from '../auth/caller.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { grants, type Action, type Permission } from '../permissions/permission.ts';

/**
 * Appwrite's rules for buckets and their files, as for collections and documents: API keys pass (their scopes
 * were checked before); others pass through the bucket's permissions or, with file security on, the file's.
 */

export interface BucketAccess {
  permissionList: readonly Permission[];
  fileSecurity: boolean;
}

export const bucketGrants = (bucket: BucketAccess, action: Action, caller: Caller): boolean =>
  caller.kind === 'key' || grants(bucket.permissionList, action, caller.roles);

export function fileGrants(bucket: BucketAccess, filePermissions: readonly Permission[], action: Action, caller: Caller): boolean {
  if (bucketGrants(bucket, action, caller)) return true;
  return caller.kind !== 'key' && bucket.fileSecurity && grants(filePermissions, action, caller.roles);
}

/**
 * The Prisma condition restricting a file list to readable files: none when the bucket grants read, the
 * indexed permission rows when only file security can; refuses when neither can.
 */
export function readableFilesWhere(bucket: BucketAccess, caller: Caller): Record<string, unknown> {
  if (bucketGrants(bucket, 'read', caller)) return {};
  if (caller.kind === 'key' || !bucket.fileSecurity) {
    throw new AppwriteError('user_unauthorized', 'The current user is not authorized to perform the requested action.');
  }
  return { grants: { some: { action: 'read', role: { in: [...caller.roles] } } } };
}
