import { CATEGORY_COUNT } from './dataset.ts';

/**
 * Who may read what in the document-security collection, computed from a document's index alone: the seeder
 * writes these permission rows, and the verification requests derive the user's exact answers from them.
 */

export const BENCH_USER_ID = 'bench_user';
export const TEAM_COUNT = 50;
/** The role each membership gets besides the team itself: `team:T/member`. */
export const TEAM_ROLE = 'member';
/** One document in this many is readable to the user. */
const READABLE_ONE_IN = 10;

export const teamId = (team: number): string => `bench_team_${team}`;

/**
 * The user's roles as the gateway computes them (src/permissions/roles.ts): any, users, users/unverified,
 * user:U, user:U/unverified, then team:T, member:M and team:T/member per membership.
 */
export const USER_ROLE_COUNT = 5 + 3 * TEAM_COUNT;

/**
 * 10% of the documents, spread evenly over the default order and over every category: each block of
 * CATEGORY_COUNT documents admits the indexes ending in a different digit, so readability is independent of
 * `index % CATEGORY_COUNT` (the category) and the category filter keeps 10% readable too.
 */
export const isReadableToUser = (index: number): boolean => Math.floor(index / CATEGORY_COUNT) % READABLE_ONE_IN === index % READABLE_ONE_IN;

/**
 * One read role per document. Readable ones name the user directly or one of their 50 teams (as team or
 * team role), in rotation; the rest name other users and teams, which the user does not hold.
 */
export function readRoleOf(index: number): string {
  const team = teamId(index % TEAM_COUNT);
  if (!isReadableToUser(index)) return index % 2 === 0 ? `user:other_user_${index % 1000}` : `team:other_team_${index % TEAM_COUNT}`;
  const roles = [`user:${BENCH_USER_ID}`, `team:${team}`, `team:${team}/${TEAM_ROLE}`];
  return roles[Math.floor(index / READABLE_ONE_IN) % roles.length]!;
}
