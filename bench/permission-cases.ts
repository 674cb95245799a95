import type { BenchCollection } from './create-collections.ts';
import type { Credential } from './graphql-client.ts';
import type { PlannedCase } from './measure-server.ts';
import { listDocuments, OPERATION, type ListShape } from './operations.ts';
import { isReadableToUser, TEAM_COUNT, USER_ROLE_COUNT } from './permission-dataset.ts';

/**
 * The permission benchmark's cases: each list over the document-security collection, once as the user (their
 * read check runs inside the SQL) and once with the API key (no check), so the two compare directly.
 */

export interface PermissionList {
  label: string;
  shape: ListShape;
}

// The default-order count runs last: it is the slowest for the user, and a server still working through
// requests left over from it would slow down whichever case came next.
export const PERMISSION_LISTS: readonly PermissionList[] = [
  { label: `${OPERATION.listWithoutTotal}, default order`, shape: { byCategory: false, withTotal: false } },
  { label: `${OPERATION.listWithTotal}, category by score`, shape: { byCategory: true, withTotal: true } },
  { label: `${OPERATION.listWithTotal}, default order`, shape: { byCategory: false, withTotal: true } },
];

export const PERMISSION_CALLERS = ['key', 'user'] as const;
export type PermissionCaller = (typeof PERMISSION_CALLERS)[number];

const CALLER_LABEL: Record<PermissionCaller, string> = {
  user: `user in ${TEAM_COUNT} teams (${USER_ROLE_COUNT} roles), 10% readable`,
  key: 'API key, all readable',
};

export const permissionCaseName = (list: PermissionList, caller: PermissionCaller): string => `${list.label} — ${CALLER_LABEL[caller]}`;

/** Each list as `caller`: the user sees the documents readable to them, the API key all of them. */
export const permissionCases = (collection: BenchCollection, caller: PermissionCaller, credential: Credential, countLimit: number): PlannedCase[] =>
  PERMISSION_LISTS.map((list) => ({
    size: collection.size,
    credential,
    operation: listDocuments(permissionCaseName(list, caller), collection, list.shape, countLimit, caller === 'user' ? isReadableToUser : undefined),
  }));
