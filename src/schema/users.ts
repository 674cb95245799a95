import {
  createUser,
  deleteUser,
  getUser,
  listUserMemberships,
  listUsers,
  MEMBERSHIP_QUERY_FIELDS,
  updateUserEmailVerification,
  updateUserLabels,
  updateUserStatus,
  USER_QUERY_FIELDS,
} from '../identity/users.ts';
import type { UserRecord } from '../identity/records.ts';
import type { ArgBuilder, Builder } from './builder.ts';
import { addListType, authorizeIdentity, listArgs, listed, membershipSearchArg, newIdDescription, NO_PREFS, queryableFields, statusOk } from './common.ts';
import type { MembershipListRef, PreferencesRef, StatusRef, UserRef } from './refs.ts';

/**
 * Users (API keys only). The User model has no `password`, `hash` or `hashOptions`: hashes never leave the
 * server. No phone and no messaging targets either, so `phone` is empty and `targets` is left out.
 */
export function addUserSchema(
  builder: Builder,
  { Status, Preferences, MembershipList }: { Status: StatusRef; Preferences: PreferencesRef; MembershipList: MembershipListRef },
): { User: UserRef } {
  const User = builder.objectRef<UserRecord>('User').implement({
    description: 'A user of the project: who signs in, owns sessions and belongs to teams. Password hashes never leave the server.',
    fields: (t) => ({
      _id: t.exposeString('id', { description: 'User ID.' }),
      _createdAt: t.exposeString('createdAt', { description: 'User creation date in ISO 8601 format.' }),
      _updatedAt: t.exposeString('updatedAt', { description: 'User update date in ISO 8601 format.' }),
      name: t.exposeString('name', { description: 'User name.' }),
      registration: t.exposeString('registration', { description: 'User registration date in ISO 8601 format.' }),
      status: t.exposeBoolean('status', { description: 'True for an active user, false for a blocked one.' }),
      labels: t.exposeStringList('labels', { description: 'Labels for the user (each grants the role `label:NAME`).' }),
      passwordUpdate: t.exposeString('passwordUpdate', { description: 'Password update time in ISO 8601 format; empty without a password.' }),
      email: t.exposeString('email', { description: 'User email address, lower-cased; empty when none.' }),
      phone: t.string({ description: 'User phone number: always empty (phones are not supported).', resolve: () => '' }),
      emailVerification: t.exposeBoolean('emailVerification', { description: 'Email verification status.' }),
      phoneVerification: t.boolean({ description: 'Phone verification status: always false.', resolve: () => false }),
      mfa: t.boolean({ description: 'Multi-factor authentication status: always false (no MFA here).', resolve: () => false }),
      prefs: t.field({ type: Preferences, description: 'User preferences (always empty here).', resolve: () => NO_PREFS }),
      accessedAt: t.exposeString('accessedAt', { description: 'Most recent access date in ISO 8601 format; empty when never.' }),
    }),
  });

  const UserList = addListType(builder, 'UserList', 'users', User);
  const userId = (arg: ArgBuilder) => arg.string({ required: true, description: 'User ID.' });

  builder.queryFields((t) => ({
    usersList: t.field({
      type: UserList,
      description: `List the project\'s users (API key with users.read), filtered, sorted and paged by queries. ${queryableFields(USER_QUERY_FIELDS)}`,
      args: { ...listArgs(t.arg), search: t.arg.string({ required: false, description: 'Text to look for in names, emails and IDs (a substring match).' }) },
      resolve: async (_, args, context) => {
        const { rows, count } = await listUsers(authorizeIdentity(context, 'users.read'), args.queries, args.search, context.services.config.maxListLimit);
        return listed(rows, count, context, args.total);
      },
    }),
    usersGet: t.field({
      type: User,
      description: 'Get a user by their ID.',
      args: { userId: userId(t.arg) },
      resolve: (_, args, context) => getUser(authorizeIdentity(context, 'users.read'), args.userId),
    }),
    usersListMemberships: t.field({
      type: MembershipList,
      description: `List a user\'s team memberships, filtered, sorted and paged by queries. ${queryableFields(MEMBERSHIP_QUERY_FIELDS)}`,
      args: { userId: userId(t.arg), ...listArgs(t.arg), search: membershipSearchArg(t.arg) },
      resolve: async (_, args, context) => {
        const { rows, count } = await listUserMemberships(authorizeIdentity(context, 'users.read'), args.userId, args.queries, args.search, context.services.config.maxListLimit);
        return listed(rows, count, context, args.total);
      },
    }),
  }));

  builder.mutationFields((t) => ({
    usersCreate: t.field({
      type: User,
      description: 'Create a user (API key with users.write). The password is stored only as a scrypt hash; without one, the user cannot sign in with email and password.',
      args: {
        userId: t.arg.string({ required: true, description: newIdDescription('User') }),
        email: t.arg.string({ required: false, description: 'User email, unique regardless of case (stored lower-cased).' }),
        phone: t.arg.string({ required: false, description: 'Phone number: not supported (general_not_implemented).' }),
        password: t.arg.string({ required: false, description: 'Plain-text password, 8 to 256 bytes.' }),
        name: t.arg.string({ required: false, description: 'User name, at most 128 chars.' }),
      },
      resolve: (_, args, context) => createUser(authorizeIdentity(context, 'users.write'), args),
    }),
    usersDelete: t.field({
      type: Status,
      description: 'Delete a user with their sessions and memberships; their session secrets and JWTs stop working at once.',
      args: { userId: userId(t.arg) },
      resolve: async (_, args, context) => {
        await deleteUser(authorizeIdentity(context, 'users.write'), args.userId);
        return statusOk;
      },
    }),
    usersUpdateStatus: t.field({
      type: User,
      description: 'Activate (true) or block (false) a user. A blocked user authenticates nowhere.',
      args: { userId: userId(t.arg), status: t.arg.boolean({ required: true, description: 'True to activate the user, false to block them.' }) },
      resolve: (_, args, context) => updateUserStatus(authorizeIdentity(context, 'users.write'), args.userId, args.status),
    }),
    usersUpdateEmailVerification: t.field({
      type: User,
      description: 'Set the user\'s email verification status.',
      args: { userId: userId(t.arg), emailVerification: t.arg.boolean({ required: true, description: 'Whether the user\'s email counts as verified.' }) },
      resolve: (_, args, context) => updateUserEmailVerification(authorizeIdentity(context, 'users.write'), args.userId, args.emailVerification),
    }),
    usersUpdateLabels: t.field({
      type: User,
      description: 'Replace the user\'s labels: at most 1000, each 1 to 36 alphanumeric chars; duplicates collapse.',
      args: { userId: userId(t.arg), labels: t.arg.stringList({ required: true, description: 'The user\'s new labels, replacing the old ones.' }) },
      resolve: (_, args, context) => updateUserLabels(authorizeIdentity(context, 'users.write'), args.userId, args.labels),
    }),
  }));

  return { User };
}
