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

/**
 * The gateway's count cache, on (the default: a total is counted once per collection change, caller's roles and
 * filters) or off (every total runs its SQL count). With it off only the lists with a total are measured.
 */
export const COUNT_CACHE_MODES = ['on', 'off'] as const;
export type CountCacheMode = (typeof COUNT_CACHE_MODES)[number];

export const COUNT_CACHE_SETTINGS: Record<CountCacheMode, NodeJS.ProcessEnv> = { on: {}, off: { COUNT_CACHE_ENTRIES: '0' } };

export const listsMeasured = (mode: CountCacheMode): PermissionList[] => PERMISSION_LISTS.filter((list) => mode === 'on' || list.shape.withTotal);

const CALLER_LABEL: Record<PermissionCaller, string> = {
  user: `user in ${TEAM_COUNT} teams (${USER_ROLE_COUNT} roles), 10% readable`,
  key: 'API key, all readable',
};

export const permissionCaseName = (list: PermissionList, caller: PermissionCaller, mode: CountCacheMode): string =>
  `${list.label} — ${CALLER_LABEL[caller]}${mode === 'off' ? ', count cache off' : ''}`;

/** Each list as `caller`: the user sees the documents readable to them, the API key all of them. */
export const permissionCases = (
  collection: BenchCollection,
  caller: PermissionCaller,
  mode: CountCacheMode,
  credential: Credential,
  countLimit: number,
): PlannedCase[] =>
  listsMeasured(mode).map((list) => ({
    size: collection.size,
    credential,
    operation: listDocuments(permissionCaseName(list, caller, mode), collection, list.shape, countLimit, caller === 'user' ? isReadableToUser : undefined),
  }));
