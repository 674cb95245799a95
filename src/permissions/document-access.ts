import type { Caller } from '../auth/caller.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import type { SqlParams } from '../db/dialect.ts';
import { grantedCondition } from '../documents/permission-rows.ts';
import { grants, type Action, type Permission, parsePermissions, DOCUMENT_ACTIONS } from './permission.ts';
import { ungrantableRoles } from './roles.ts';

/**
 * Appwrite's rules for who may do what to a collection's documents. API keys pass (their scopes were checked
 * before). Others pass through the collection's permissions, or, with document security on, the document's.
 */

export interface AccessTarget {
  /** The collection's own permissions. */
  permissions: readonly Permission[];
  documentSecurity: boolean;
  collectionSequence: number;
}

export function collectionGrants(target: AccessTarget, action: Action, caller: Caller): boolean {
  return caller.kind === 'key' || grants(target.permissions, action, caller.roles);
}

/** Whether the caller may `action` this stored document (its `_permissions` JSON). */
export function documentGrants(target: AccessTarget, action: Action, caller: Caller, documentPermissions: string): boolean {
  if (collectionGrants(target, action, caller)) return true;
  if (!target.documentSecurity || caller.kind === 'key') return false;
  const stored = parsePermissions(JSON.parse(documentPermissions) as string[], DOCUMENT_ACTIONS);
  return grants(stored, action, caller.roles);
}

/** How a list is restricted to the documents a caller may read. */
export interface ReadCheck {
  /** SQL condition on the collection's table: the document grants read to one of `roles`. */
  where: (params: SqlParams) => string;
  roles: ReadonlySet<string>;
}

/**
 * The read check for a list: null when every document is readable, an indexed SQL condition on the
 * documents' permission rows when only document security can grant reads; refuses when neither can.
 */
export function readCheck(target: AccessTarget, caller: Caller): ReadCheck | null {
  if (collectionGrants(target, 'read', caller)) return null;
  if (caller.kind === 'key' || !target.documentSecurity) {
    throw new AppwriteError('user_unauthorized', 'The current user is not authorized to perform the requested action.');
  }
  return { where: grantedCondition(target.collectionSequence, 'read', caller.roles), roles: caller.roles };
}

/** A non-key caller may only grant roles it holds itself (Appwrite's rule). */
export function assertGrantable(permissions: readonly Permission[], caller: Caller): void {
  if (caller.kind === 'key') return;
  const [refused] = ungrantableRoles(permissions, caller.roles);
  if (refused !== undefined) {
    throw new AppwriteError('user_unauthorized', `Permissions must be one of: (${[...caller.roles].map((r) => `"${r}"`).join(', ')}). Found "${refused}".`);
  }
}
