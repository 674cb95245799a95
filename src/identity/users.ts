import { hashPassword, validatePassword } from '../auth/passwords.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import type { User } from '../generated/sqlite/client.ts';
import { metadataListArgs, runMetadataList, type MetadataColumn } from '../metadata/list-queries.ts';
import { isValidEmail } from '../validation/formats.ts';
import { resolveId, validateId } from '../validation/ids.ts';
import { invalidParam, param } from '../validation/params.ts';
import { checkString } from '../validation/values.ts';
import { nowIso } from '../validation/datetime.ts';
import type { IdentityContext, IdentityWriteContext } from './context.ts';
import { MEMBERSHIP_PARTIES, toMembership, toUser, type MembershipRecord, type MembershipRow, type UserRecord } from './records.ts';

/**
 * Users (Appwrite's server-side Users service): API-key operations; the scope check happens in the resolvers.
 * `status` is not queryable yet: the shared metadata column table types `status` as a string (attributes').
 */
export const USER_QUERY_FIELDS: Record<string, MetadataColumn> = {
  $id: 'id',
  name: 'name',
  email: 'email',
  emailVerification: 'emailVerification',
  $createdAt: 'createdAt',
  $updatedAt: 'updatedAt',
};

export const MEMBERSHIP_QUERY_FIELDS: Record<string, MetadataColumn> = { $id: 'id', confirm: 'confirm', $createdAt: 'createdAt', $updatedAt: 'updatedAt' };

const MAX_USER_NAME_LENGTH = 128;
// Appwrite's label rule: ArrayList(Text(36, alphanumeric), 1000).
const MAX_LABELS = 1000;
const LABEL = /^[A-Za-z0-9]{1,36}$/;

export interface CreateUserInput {
  userId: string;
  email?: string | null;
  phone?: string | null;
  password?: string | null;
  name?: string | null;
}

export async function createUser(context: IdentityWriteContext, input: CreateUserInput): Promise<UserRecord> {
  // The User model has no phone column: phone sign-in needs an SMS provider this gateway does not have.
  if (input.phone != null) throw new AppwriteError('general_not_implemented', 'Phone numbers are not supported by this gateway: create users with an email.');
  const id = resolveId(input.userId, 'userId');
  const email = input.email == null ? null : validateEmail(input.email);
  const name = param('name', checkString(input.name ?? '', MAX_USER_NAME_LENGTH));
  if (input.password != null) validatePassword(input.password);
  const passwordHash = input.password == null ? null : await hashPassword(input.password);
  const at = nowIso(context.now);
  try {
    const row = await context.db.prisma.user.create({
      data: { id, email, name, passwordHash, registration: at, passwordUpdate: passwordHash ? at : null, createdAt: at, updatedAt: at },
    });
    await context.cache.invalidateUser(id);
    return toUser(row);
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') throw await whichUserConflict(context, id);
    throw error;
  }
}

/** Both the ID and the email are unique: tell which one the failed insert collided with. */
async function whichUserConflict(context: IdentityContext, id: string): Promise<AppwriteError> {
  const idTaken = (await context.db.prisma.user.count({ where: { id } })) > 0;
  return idTaken
    ? new AppwriteError('user_already_exists', 'A user with the same id, email, or phone already exists in this project.')
    : new AppwriteError('user_email_already_exists', 'A user with the same email already exists in the current project.');
}

/** Emails are stored lower-cased, so uniqueness ignores case. */
function validateEmail(email: string): string {
  const lowered = email.toLowerCase();
  if (!isValidEmail(lowered)) throw invalidParam('email', 'Value must be a valid email address');
  return lowered;
}

export async function listUsers(context: IdentityContext, queries: readonly string[] | null | undefined, search: string | null | undefined, maxLimit?: number) {
  const args = metadataListArgs(queries, USER_QUERY_FIELDS, maxLimit);
  const scope = search ? { OR: [{ name: { contains: search } }, { email: { contains: search.toLowerCase() } }, { id: { contains: search } }] } : {};
  const prisma = context.db.prisma;
  const { rows, count } = await runMetadataList<User>(args, scope, {
    find: (q) => prisma.user.findMany(q),
    count: (q) => prisma.user.count(q),
    sequenceOf: async (id) => (await prisma.user.findUnique({ where: { id }, select: { sequence: true } }))?.sequence ?? null,
  });
  return { rows: rows.map(toUser), count };
}

export async function requireUserRow(context: IdentityContext, userId: string): Promise<User> {
  validateId(userId, 'userId');
  const row = await context.db.prisma.user.findUnique({ where: { id: userId } });
  if (!row) throw new AppwriteError('user_not_found', 'User with the requested ID could not be found.');
  return row;
}

export const getUser = async (context: IdentityContext, userId: string): Promise<UserRecord> => toUser(await requireUserRow(context, userId));

/** Sessions and memberships go with the user: the foreign keys cascade, within the one DELETE statement. */
export async function deleteUser(context: IdentityWriteContext, userId: string): Promise<void> {
  const row = await requireUserRow(context, userId);
  const deleted = await context.db.prisma.$transaction(async (tx) => {
    const sessions = await tx.session.findMany({ where: { userSequence: row.sequence }, select: { id: true, secretHash: true } });
    await tx.user.delete({ where: { sequence: row.sequence } });
    return sessions;
  });
  await context.cache.invalidateUser(userId);
  // Cached sessions name the user by ID: a user re-created with the same ID must not inherit them.
  for (const session of deleted) await context.cache.invalidateSession(session);
}

async function updateUser(context: IdentityWriteContext, userId: string, data: Partial<Pick<User, 'status' | 'emailVerification' | 'labels'>>): Promise<UserRecord> {
  const row = await requireUserRow(context, userId);
  const updated = await context.db.prisma.user.update({ where: { sequence: row.sequence }, data: { ...data, updatedAt: nowIso(context.now) } });
  await context.cache.invalidateUser(userId);
  return toUser(updated);
}

/** `false` blocks the user: it then authenticates nowhere. */
export const updateUserStatus = (context: IdentityWriteContext, userId: string, status: boolean) => updateUser(context, userId, { status });

export const updateUserEmailVerification = (context: IdentityWriteContext, userId: string, emailVerification: boolean) =>
  updateUser(context, userId, { emailVerification });

/** Replaces the labels; duplicates collapse, first occurrence first. */
export const updateUserLabels = (context: IdentityWriteContext, userId: string, labels: readonly string[]) =>
  updateUser(context, userId, { labels: JSON.stringify(validateLabels(labels)) });

function validateLabels(labels: readonly string[]): string[] {
  if (labels.length > MAX_LABELS || !labels.every((label) => LABEL.test(label))) {
    throw invalidParam('labels', `Value must a valid array no longer than ${MAX_LABELS} items and Value must be a valid string of 1 to 36 alphanumeric chars`);
  }
  return [...new Set(labels)];
}

export async function listUserMemberships(
  context: IdentityContext,
  userId: string,
  queries: readonly string[] | null | undefined,
  search: string | null | undefined,
  maxLimit?: number,
): Promise<{ rows: MembershipRecord[]; count: (cap: number) => Promise<number> }> {
  const user = await requireUserRow(context, userId);
  return listMemberships(context, { userSequence: user.sequence }, queries, search, maxLimit);
}

/** Memberships within `scope` (one user's or one team's); `search` looks in the team name and the user's name and email. */
export async function listMemberships(
  context: IdentityContext,
  scope: { userSequence: number } | { teamSequence: number },
  queries: readonly string[] | null | undefined,
  search: string | null | undefined,
  maxLimit?: number,
) {
  const args = metadataListArgs(queries, MEMBERSHIP_QUERY_FIELDS, maxLimit);
  const searched = search
    ? { OR: [{ team: { name: { contains: search } } }, { user: { name: { contains: search } } }, { user: { email: { contains: search.toLowerCase() } } }] }
    : {};
  const prisma = context.db.prisma;
  const { rows, count } = await runMetadataList<MembershipRow>(args, { ...scope, ...searched }, {
    find: (q) => prisma.membership.findMany({ ...q, include: MEMBERSHIP_PARTIES }),
    count: (q) => prisma.membership.count(q),
    sequenceOf: async (id) => (await prisma.membership.findUnique({ where: { id }, select: { sequence: true } }))?.sequence ?? null,
  });
  return { rows: rows.map(toMembership), count };
}
