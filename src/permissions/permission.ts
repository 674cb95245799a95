import { AppwriteError } from '../errors/appwrite-error.ts';
import { ID_PATTERN_SOURCE as ID } from '../validation/ids.ts';

/**
 * Appwrite permission strings: `action("role")`, e.g. `read("any")`, `update("user:ID")`,
 * `delete("team:ID/owner")`. Parsed strictly: a malformed string is an error, never dropped.
 */

export type Action = 'read' | 'create' | 'update' | 'delete';
export type PermissionAction = Action | 'write';

export interface Permission {
  action: Action;
  role: string;
}

/** What `write` stands for on each kind of resource (Appwrite: documents have no create permission). */
export const COLLECTION_ACTIONS: readonly Action[] = ['read', 'create', 'update', 'delete'];
export const DOCUMENT_ACTIONS: readonly Action[] = ['read', 'update', 'delete'];

const PERMISSION_PATTERN = /^(read|create|update|delete|write)\("([^"]+)"\)$/;
const ROLE_PATTERNS = [
  /^any$/,
  /^guests$/,
  /^users(\/(verified|unverified))?$/,
  new RegExp(`^user:${ID}(/(verified|unverified))?$`),
  new RegExp(`^team:${ID}(/[a-zA-Z0-9._-]{1,128})?$`),
  new RegExp(`^member:${ID}$`),
  /^label:[a-zA-Z0-9]{1,36}$/,
];

export const isValidRole = (role: string): boolean => ROLE_PATTERNS.some((pattern) => pattern.test(role));

function invalid(permission: string, reason: string): AppwriteError {
  return new AppwriteError('general_argument_invalid', `Invalid \`permissions\` param: Permission "${permission}" is invalid. ${reason}`);
}

/**
 * Parses, expands `write` into the actions the resource has, and de-duplicates, keeping first-seen order.
 * Actions the resource does not have (a document's `create`) are refused, as Appwrite does.
 */
export function parsePermissions(input: readonly string[], allowed: readonly Action[]): Permission[] {
  if (input.length > 100) throw new AppwriteError('general_argument_invalid', 'Invalid `permissions` param: Value must be an array of at most 100 items');
  const seen = new Set<string>();
  const result: Permission[] = [];
  for (const raw of input) {
    const match = PERMISSION_PATTERN.exec(raw);
    if (!match) throw invalid(raw, 'Permissions must be of the form action("role"), e.g. read("any").');
    const action = match[1] as PermissionAction;
    const role = match[2]!;
    if (!isValidRole(role)) throw invalid(raw, `Role "${role}" is not valid.`);
    if (action !== 'write' && !allowed.includes(action)) {
      throw invalid(raw, `Permission "${action}" is not allowed. Must be one of: ${[...allowed, 'write'].join(', ')}.`);
    }
    const actions = action === 'write' ? allowed.filter((a) => a !== 'read') : [action];
    for (const expanded of actions) {
      const text = formatPermission({ action: expanded, role });
      if (seen.has(text)) continue;
      seen.add(text);
      result.push({ action: expanded, role });
    }
  }
  return result;
}

export const formatPermission = (permission: Permission): string => `${permission.action}("${permission.role}")`;

/** Whether any of the permissions grants `action` to one of the caller's roles. */
export function grants(permissions: readonly Permission[], action: Action, roles: ReadonlySet<string>): boolean {
  return permissions.some((p) => p.action === action && roles.has(p.role));
}
