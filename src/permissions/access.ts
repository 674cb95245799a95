import type { Caller } from '../auth/caller.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { grants, type Action, type Permission } from './permission.ts';

/**
 * Appwrite's access rule for a container (collection, bucket) and its items (documents, files): API keys pass
 * (their scopes were checked before); others pass through the container's permissions or, when item security
 * is on (documentSecurity, fileSecurity), through the item's own.
 */

export const containerGrants = (permissions: readonly Permission[], action: Action, caller: Caller): boolean =>
  caller.kind === 'key' || grants(permissions, action, caller.roles);

/** `itemPermissions` is only read when the container alone does not decide (items store theirs as JSON). */
export function itemGrants(
  containerPermissions: readonly Permission[],
  itemSecurity: boolean,
  itemPermissions: () => readonly Permission[],
  action: Action,
  caller: Caller,
): boolean {
  if (containerGrants(containerPermissions, action, caller)) return true;
  return caller.kind !== 'key' && itemSecurity && grants(itemPermissions(), action, caller.roles);
}

/**
 * Whose item permissions a list must check: null when the container lets the caller read every item, else
 * the caller's roles (to match against each item's read permissions); refuses when neither can grant a read.
 */
export function listReaderRoles(containerPermissions: readonly Permission[], itemSecurity: boolean, caller: Caller): ReadonlySet<string> | null {
  if (containerGrants(containerPermissions, 'read', caller)) return null;
  if (caller.kind === 'key' || !itemSecurity) {
    throw new AppwriteError('user_unauthorized', 'The current user is not authorized to perform the requested action.');
  }
  return caller.roles;
}
