import type { Caller } from '../auth/caller.ts';
import { containerGrants, itemGrants, listReaderRoles } from '../permissions/access.ts';
import type { Action, Permission } from '../permissions/permission.ts';

/** A bucket and its files under Appwrite's access rule (see src/permissions/access.ts). */

export interface BucketAccess {
  permissionList: readonly Permission[];
  fileSecurity: boolean;
}

export const bucketGrants = (bucket: BucketAccess, action: Action, caller: Caller): boolean => containerGrants(bucket.permissionList, action, caller);

export const fileGrants = (bucket: BucketAccess, filePermissions: readonly Permission[], action: Action, caller: Caller): boolean =>
  itemGrants(bucket.permissionList, bucket.fileSecurity, () => filePermissions, action, caller);

/** The Prisma condition restricting a file list to readable files (through their indexed permission rows). */
export function readableFilesWhere(bucket: BucketAccess, caller: Caller): Record<string, unknown> {
  const roles = listReaderRoles(bucket.permissionList, bucket.fileSecurity, caller);
  return roles ? { grants: { some: { action: 'read', role: { in: [...roles] } } } } : {};
}
