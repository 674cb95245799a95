import type { Caller } from '../auth/caller.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import type { SqlParams } from '../db/dialect.ts';
import { readCondition, type ReadSetSnapshot } from '../documents/read-sets.ts';
import { containerGrants, itemGrants, listReaderRoles } from './access.ts';
import { type Action, type Permission, parsePermissions, DOCUMENT_ACTIONS } from './permission.ts';
import { ungrantableRoles } from './roles.ts';

/** A collection's documents under Appwrite's access rule (see access.ts). */

export interface AccessTarget {
  /** The collection's own permissions. */
  permissions: readonly Permission[];
  documentSecurity: boolean;
  collectionSequence: number;
}

export const collectionGrants = (target: AccessTarget, action: Action, caller: Caller): boolean => containerGrants(target.permissions, action, caller);

/** Whether the caller may `action` this stored document (its `_permissions` JSON). */
export const documentGrants = (target: AccessTarget, action: Action, caller: Caller, documentPermissions: string): boolean =>
  itemGrants(target.permissions, target.documentSecurity, () => parsePermissions(JSON.parse(documentPermissions) as string[], DOCUMENT_ACTIONS), action, caller);

/** How a list is restricted to the documents a caller may read. */
export interface ReadCheck {
  /** SQL condition on the collection's table: the document grants read to one of `roles`. */
  where: (params: SqlParams) => string;
  roles: ReadonlySet<string>;
  /** The read sets the condition lists (see read-sets.ts). */
  snapshot: ReadSetSnapshot;
}

/**
 * The read check for a list: null when every document is readable, an SQL condition on the documents' read
 * sets (see read-sets.ts) when only document security can grant reads; refuses when neither can.
 */
export async function readCheck(
  target: AccessTarget,
  caller: Caller,
  snapshotOf: (roles: ReadonlySet<string>) => Promise<ReadSetSnapshot>,
): Promise<ReadCheck | null> {
  const roles = listReaderRoles(target.permissions, target.documentSecurity, caller);
  if (!roles) return null;
  const snapshot = await snapshotOf(roles);
  return { where: readCondition(target.collectionSequence, roles, snapshot), roles, snapshot };
}

/** A non-key caller may only grant roles it holds itself (Appwrite's rule). */
export function assertGrantable(permissions: readonly Permission[], caller: Caller): void {
  if (caller.kind === 'key') return;
  const [refused] = ungrantableRoles(permissions, caller.roles);
  if (refused !== undefined) {
    throw new AppwriteError('user_unauthorized', `Permissions must be one of: (${[...caller.roles].map((r) => `"${r}"`).join(', ')}). Found "${refused}".`);
  }
}
