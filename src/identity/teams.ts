import type { Caller } from '../auth/caller.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import type { Membership, Team } from '../generated/sqlite/client.ts';
import { onUniqueViolation } from '../metadata/catalog.ts';
import { metadataListArgs, runMetadataList, type MetadataColumn } from '../metadata/list-queries.ts';
import { resolveId, uniqueId, validateId, validateKey } from '../validation/ids.ts';
import { invalidParam, validateName } from '../validation/params.ts';
import { nowIso } from '../validation/datetime.ts';
import type { IdentityContext, IdentityWriteContext } from './context.ts';
import { MEMBERSHIP_PARTIES, TEAM_TOTAL, toMembership, toTeam, type MembershipRecord, type TeamRecord, type TeamRow } from './records.ts';
import { listMemberships, requireUserRow } from './users.ts';

/**
 * Teams and their memberships. API keys see and manage every team; a user sees the teams they are a confirmed
 * member of, and manages one only as its `owner`. Membership is read from the database on each call, so a
 * change takes effect at once, whatever roles the caller was resolved with.
 */

export const TEAM_QUERY_FIELDS: Record<string, MetadataColumn> = { $id: 'id', name: 'name', $createdAt: 'createdAt', $updatedAt: 'updatedAt' };
const OWNER = 'owner';
const MAX_ROLES = 100;

const teamNotFound = () => new AppwriteError('team_not_found', 'Team with the requested ID could not be found.');
const unauthorized = () => new AppwriteError('user_unauthorized', 'The current user is not authorized to perform the requested action.');

/**
 * The user acting, or null for an API key, which acts on any team. Guests hold no teams scope, so they never get
 * here through the API; refusing them here too keeps a guest from ever passing for a key.
 */
function actingUserId(caller: Caller): string | null {
  if (caller.kind === 'guest') throw unauthorized();
  return caller.kind === 'user' ? caller.userId : null;
}

/** Only confirmed memberships grant anything. */
const confirmedMemberOf = (userId: string) => ({ memberships: { some: { confirm: true, user: { id: userId } } } });

function validateTeamRoles(roles: readonly string[]): string[] {
  if (roles.length > MAX_ROLES) throw invalidParam('roles', `Value must a valid array no longer than ${MAX_ROLES} items`);
  return [...new Set(roles.map((role) => validateKey(role, 'roles')))];
}

export async function createTeam(context: IdentityWriteContext, caller: Caller, input: { teamId: string; name: string; roles?: readonly string[] | null }): Promise<TeamRecord> {
  const id = resolveId(input.teamId, 'teamId');
  const name = validateName(input.name);
  const roles = validateTeamRoles([OWNER, ...(input.roles ?? [])]);
  const at = nowIso(context.now);
  const creatorId = actingUserId(caller);
  // A user creating a team becomes its owner, in the same (nested, atomic) insert; an API key creates it empty.
  const creator = creatorId === null
    ? {}
    : { memberships: { create: { id: uniqueId(), roles: JSON.stringify(roles), invited: at, joined: at, confirm: true, createdAt: at, updatedAt: at, user: { connect: { id: creatorId } } } } };
  const row = await onUniqueViolation(
    context.db.prisma.team.create({ data: { id, name, createdAt: at, updatedAt: at, ...creator }, include: TEAM_TOTAL }),
    'team_already_exists',
    'Team with the requested ID already exists. Choose a different ID and try again.',
  );
  if (creatorId !== null) await context.cache.invalidateUser(creatorId);
  return toTeam(row);
}

export async function listTeams(context: IdentityContext, caller: Caller, queries: readonly string[] | null | undefined, search: string | null | undefined, maxLimit?: number) {
  const args = metadataListArgs(queries, TEAM_QUERY_FIELDS, maxLimit);
  const userId = actingUserId(caller);
  const scope = {
    ...(userId === null ? {} : confirmedMemberOf(userId)),
    ...(search ? { OR: [{ name: { contains: search } }, { id: { contains: search } }] } : {}),
  };
  const prisma = context.db.prisma;
  const { rows, count } = await runMetadataList<TeamRow>(args, scope, {
    find: (q) => prisma.team.findMany({ ...q, include: TEAM_TOTAL }),
    count: (q) => prisma.team.count(q),
    sequenceOf: async (id) => (await prisma.team.findUnique({ where: { id }, select: { sequence: true } }))?.sequence ?? null,
  });
  return { rows: rows.map(toTeam), count };
}

/** A team the caller may see; to anyone else it does not exist. */
async function requireVisibleTeam(context: IdentityContext, caller: Caller, teamId: string): Promise<TeamRow> {
  validateId(teamId, 'teamId');
  const userId = actingUserId(caller);
  const row = await context.db.prisma.team.findFirst({ where: { id: teamId, ...(userId === null ? {} : confirmedMemberOf(userId)) }, include: TEAM_TOTAL });
  if (!row) throw teamNotFound();
  return row;
}

/** The caller's confirmed membership of the team, or null (always null for API keys). */
async function callerMembership(context: IdentityContext, caller: Caller, team: Team): Promise<Membership | null> {
  const userId = actingUserId(caller);
  if (userId === null) return null;
  return context.db.prisma.membership.findFirst({ where: { teamSequence: team.sequence, confirm: true, user: { id: userId } } });
}

const isOwnerMembership = (membership: Membership | null): boolean => membership !== null && (JSON.parse(membership.roles) as string[]).includes(OWNER);

/** A team the caller may manage: any team for an API key, a team they own for a user. */
async function requireManagedTeam(context: IdentityContext, caller: Caller, teamId: string): Promise<TeamRow> {
  const team = await requireVisibleTeam(context, caller, teamId);
  if (actingUserId(caller) !== null && !isOwnerMembership(await callerMembership(context, caller, team))) throw unauthorized();
  return team;
}

export const getTeam = async (context: IdentityContext, caller: Caller, teamId: string): Promise<TeamRecord> => toTeam(await requireVisibleTeam(context, caller, teamId));

export async function updateTeamName(context: IdentityContext, caller: Caller, teamId: string, name: string): Promise<TeamRecord> {
  const team = await requireManagedTeam(context, caller, teamId);
  const row = await context.db.prisma.team.update({ where: { sequence: team.sequence }, data: { name: validateName(name), updatedAt: nowIso(context.now) }, include: TEAM_TOTAL });
  return toTeam(row);
}

/** The team's memberships go with it (foreign-key cascade within the one DELETE): every member's roles change. */
export async function deleteTeam(context: IdentityWriteContext, caller: Caller, teamId: string): Promise<void> {
  const team = await requireManagedTeam(context, caller, teamId);
  await context.db.prisma.team.delete({ where: { sequence: team.sequence } });
  await context.cache.invalidateAllUsers();
}

export interface CreateMembershipInput {
  teamId: string;
  roles: readonly string[];
  userId?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** Adds an existing user by ID, confirmed at once. Invitations (by email or phone) need mail/SMS: refused. */
export async function createMembership(context: IdentityWriteContext, caller: Caller, input: CreateMembershipInput): Promise<MembershipRecord> {
  if (input.userId == null) {
    if (input.email == null && input.phone == null) throw invalidParam('userId', 'At least one of userId, email, or phone is required');
    throw new AppwriteError('general_not_implemented', 'Invitations by email or phone are not supported: this gateway sends no mail or SMS. Add an existing user by `userId`.');
  }
  const team = await requireManagedTeam(context, caller, input.teamId);
  const roles = validateTeamRoles(input.roles);
  const user = await requireUserRow(context, input.userId);
  const at = nowIso(context.now);
  const row = await onUniqueViolation(
    context.db.prisma.membership.create({
      data: { id: uniqueId(), teamSequence: team.sequence, userSequence: user.sequence, roles: JSON.stringify(roles), invited: at, joined: at, confirm: true, createdAt: at, updatedAt: at },
      include: MEMBERSHIP_PARTIES,
    }),
    'membership_already_confirmed',
    'User has already been invited or is already a member of this team.',
  );
  await context.cache.invalidateUser(user.id);
  return toMembership(row);
}

export async function listTeamMemberships(context: IdentityContext, caller: Caller, teamId: string, queries: readonly string[] | null | undefined, search: string | null | undefined, maxLimit?: number) {
  const team = await requireVisibleTeam(context, caller, teamId);
  return listMemberships(context, { teamSequence: team.sequence }, queries, search, maxLimit);
}

/** A membership of `team`; one of another team is a mismatch, as in Appwrite. */
async function requireMembershipOf(context: IdentityContext, team: Team, membershipId: string) {
  validateId(membershipId, 'membershipId');
  const row = await context.db.prisma.membership.findUnique({ where: { id: membershipId }, include: MEMBERSHIP_PARTIES });
  if (!row) throw new AppwriteError('membership_not_found', 'Membership with the requested ID could not be found.');
  if (row.teamSequence !== team.sequence) throw new AppwriteError('team_membership_mismatch', 'The membership ID does not belong to the team ID.');
  return row;
}

export async function getMembership(context: IdentityContext, caller: Caller, teamId: string, membershipId: string): Promise<MembershipRecord> {
  const team = await requireVisibleTeam(context, caller, teamId);
  return toMembership(await requireMembershipOf(context, team, membershipId));
}

export async function updateMembership(context: IdentityWriteContext, caller: Caller, teamId: string, membershipId: string, roles: readonly string[]): Promise<MembershipRecord> {
  const team = await requireManagedTeam(context, caller, teamId);
  const membership = await requireMembershipOf(context, team, membershipId);
  const row = await context.db.prisma.membership.update({
    where: { sequence: membership.sequence },
    data: { roles: JSON.stringify(validateTeamRoles(roles)), updatedAt: nowIso(context.now) },
    include: MEMBERSHIP_PARTIES,
  });
  await context.cache.invalidateUser(membership.user.id);
  return toMembership(row);
}

/** An API key, a team owner, or the member themselves (leaving the team). */
export async function deleteMembership(context: IdentityWriteContext, caller: Caller, teamId: string, membershipId: string): Promise<void> {
  const team = await requireVisibleTeam(context, caller, teamId);
  const membership = await requireMembershipOf(context, team, membershipId);
  const userId = actingUserId(caller);
  if (userId !== null && membership.user.id !== userId && !isOwnerMembership(await callerMembership(context, caller, team))) throw unauthorized();
  await context.db.prisma.membership.delete({ where: { sequence: membership.sequence } });
  await context.cache.invalidateUser(membership.user.id);
}
