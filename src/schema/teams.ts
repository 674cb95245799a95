import {
  createMembership,
  createTeam,
  deleteMembership,
  deleteTeam,
  getMembership,
  getTeam,
  listTeamMemberships,
  listTeams,
  updateMembership,
  TEAM_QUERY_FIELDS,
  updateTeamName,
} from '../identity/teams.ts';
import { MEMBERSHIP_QUERY_FIELDS } from '../identity/users.ts';
import type { MembershipRecord, TeamRecord } from '../identity/records.ts';
import type { ArgBuilder, Builder } from './builder.ts';
import { addListType, authorizeIdentity, ID_RULE, listArgs, listed, membershipSearchArg, newIdDescription, NO_PREFS, queryableFields, statusOk } from './common.ts';
import type { GatewayContext } from './context.ts';
import type { MembershipListRef, PreferencesRef, StatusRef } from './refs.ts';

/** Teams and memberships; the services decide what a user caller may see and do. */
export function addTeamSchema(builder: Builder, { Status }: { Status: StatusRef }): { Preferences: PreferencesRef; MembershipList: MembershipListRef } {
  const Preferences = builder.objectRef<object>('Preferences').implement({
    description: 'Preferences as a key-value object.',
    fields: (t) => ({ data: t.string({ description: 'The preferences as a JSON object in a string: JSON.parse it.', resolve: (prefs) => JSON.stringify(prefs) }) }),
  });

  const Team = builder.objectRef<TeamRecord>('Team').implement({
    description: 'A team: users grouped under roles.',
    fields: (t) => ({
      _id: t.exposeString('id', { description: 'Team ID.' }),
      _createdAt: t.exposeString('createdAt', { description: 'Team creation date in ISO 8601 format.' }),
      _updatedAt: t.exposeString('updatedAt', { description: 'Team update date in ISO 8601 format.' }),
      name: t.exposeString('name', { description: 'Team name.' }),
      total: t.exposeInt('total', { description: 'Total number of (confirmed) team members.' }),
      prefs: t.field({ type: Preferences, description: 'Team preferences (always empty here).', resolve: () => NO_PREFS }),
    }),
  });

  const Membership = builder.objectRef<MembershipRecord>('Membership').implement({
    description: 'A user\'s membership of a team, with the user\'s roles in it.',
    fields: (t) => ({
      _id: t.exposeString('id', { description: 'Membership ID.' }),
      _createdAt: t.exposeString('createdAt', { description: 'Membership creation date in ISO 8601 format.' }),
      _updatedAt: t.exposeString('updatedAt', { description: 'Membership update date in ISO 8601 format.' }),
      userId: t.exposeString('userId', { description: 'User ID.' }),
      userName: t.exposeString('userName', { description: 'User name.' }),
      userEmail: t.exposeString('userEmail', { description: 'User email address.' }),
      teamId: t.exposeString('teamId', { description: 'Team ID.' }),
      teamName: t.exposeString('teamName', { description: 'Team name.' }),
      invited: t.exposeString('invited', { description: 'Date the user was invited to the team in ISO 8601 format.' }),
      joined: t.exposeString('joined', { description: 'Date the user joined the team in ISO 8601 format.' }),
      confirm: t.exposeBoolean('confirm', { description: 'True once the user has joined the team.' }),
      mfa: t.boolean({ description: 'Multi-factor authentication status: always false (no MFA here).', resolve: () => false }),
      roles: t.exposeStringList('roles', { description: 'The user\'s roles in the team.' }),
    }),
  });

  const TeamList = addListType(builder, 'TeamList', 'teams', Team);
  const MembershipList = addListType(builder, 'MembershipList', 'memberships', Membership);

  const teamId = (arg: ArgBuilder) => arg.string({ required: true, description: 'Team ID.' });
  const membershipArgs = (arg: ArgBuilder) => ({ teamId: teamId(arg), membershipId: arg.string({ required: true, description: 'Membership ID.' }) });
  const rolesRule = `at most 100, each ${ID_RULE}`;
  const rolesArg = (arg: ArgBuilder) => arg.stringList({ required: true, description: `The member's roles in the team: ${rolesRule}.` });
  const reader = (context: GatewayContext) => ({ services: authorizeIdentity(context, 'teams.read'), caller: context.caller });
  const writer = (context: GatewayContext) => ({ services: authorizeIdentity(context, 'teams.write'), caller: context.caller });

  builder.queryFields((t) => ({
    teamsList: t.field({
      type: TeamList,
      description: `List teams: all of them for an API key, otherwise those the user is a confirmed member of; filtered, sorted and paged by queries. ${queryableFields(TEAM_QUERY_FIELDS)}`,
      args: { ...listArgs(t.arg), search: t.arg.string({ required: false, description: 'Text to look for in team names and IDs (a substring match).' }) },
      resolve: async (_, args, context) => {
        const { services, caller } = reader(context);
        const { rows, count } = await listTeams(services, caller, args.queries, args.search, context.services.config.maxListLimit);
        return listed(rows, count, context, args.total);
      },
    }),
    teamsGet: t.field({
      type: Team,
      description: 'Get a team by its ID.',
      args: { teamId: teamId(t.arg) },
      resolve: (_, args, context) => {
        const { services, caller } = reader(context);
        return getTeam(services, caller, args.teamId);
      },
    }),
    teamsListMemberships: t.field({
      type: MembershipList,
      description: `List a team\'s memberships, filtered, sorted and paged by queries. ${queryableFields(MEMBERSHIP_QUERY_FIELDS)}`,
      args: { teamId: teamId(t.arg), ...listArgs(t.arg), search: membershipSearchArg(t.arg) },
      resolve: async (_, args, context) => {
        const { services, caller } = reader(context);
        const { rows, count } = await listTeamMemberships(services, caller, args.teamId, args.queries, args.search, context.services.config.maxListLimit);
        return listed(rows, count, context, args.total);
      },
    }),
    teamsGetMembership: t.field({
      type: Membership,
      description: 'Get a membership of a team.',
      args: membershipArgs(t.arg),
      resolve: (_, args, context) => {
        const { services, caller } = reader(context);
        return getMembership(services, caller, args.teamId, args.membershipId);
      },
    }),
  }));

  builder.mutationFields((t) => ({
    teamsCreate: t.field({
      type: Team,
      description: 'Create a team. A user creating it becomes a member with the `owner` role (plus `roles`).',
      args: {
        teamId: t.arg.string({ required: true, description: newIdDescription('Team') }),
        name: t.arg.string({ required: true, description: 'Team name, at most 128 chars.' }),
        roles: t.arg.stringList({ required: false, description: `The creator's roles besides \`owner\`: ${rolesRule}.` }),
      },
      resolve: (_, args, context) => {
        const { services, caller } = writer(context);
        return createTeam(services, caller, args);
      },
    }),
    teamsUpdateName: t.field({
      type: Team,
      description: 'Rename a team (API key or team owner).',
      args: { teamId: teamId(t.arg), name: t.arg.string({ required: true, description: 'New team name, at most 128 chars.' }) },
      resolve: (_, args, context) => {
        const { services, caller } = writer(context);
        return updateTeamName(services, caller, args.teamId, args.name);
      },
    }),
    teamsDelete: t.field({
      type: Status,
      description: 'Delete a team and its memberships (API key or team owner).',
      args: { teamId: teamId(t.arg) },
      resolve: async (_, args, context) => {
        const { services, caller } = writer(context);
        await deleteTeam(services, caller, args.teamId);
        return statusOk;
      },
    }),
    teamsCreateMembership: t.field({
      type: Membership,
      description: 'Add an existing user (`userId`) to a team, confirmed at once (API key or team owner). Invitations by email or phone are not supported: this gateway sends no mail.',
      args: {
        teamId: teamId(t.arg),
        roles: rolesArg(t.arg),
        email: t.arg.string({ required: false, description: 'Invitation by email: not supported (general_not_implemented).' }),
        userId: t.arg.string({ required: false, description: 'ID of the user to add.' }),
        phone: t.arg.string({ required: false, description: 'Invitation by phone: not supported (general_not_implemented).' }),
        url: t.arg.string({ required: false, description: 'Invitation redirect URL: unused, as there are no invitations.' }),
        name: t.arg.string({ required: false, description: 'Name for an invited user: unused, as there are no invitations.' }),
      },
      resolve: (_, args, context) => {
        const { services, caller } = writer(context);
        return createMembership(services, caller, args);
      },
    }),
    teamsUpdateMembership: t.field({
      type: Membership,
      description: 'Replace a member\'s roles (API key or team owner).',
      args: { ...membershipArgs(t.arg), roles: rolesArg(t.arg) },
      resolve: (_, args, context) => {
        const { services, caller } = writer(context);
        return updateMembership(services, caller, args.teamId, args.membershipId, args.roles);
      },
    }),
    teamsDeleteMembership: t.field({
      type: Status,
      description: 'Remove a membership (API key, team owner, or the member themselves).',
      args: membershipArgs(t.arg),
      resolve: async (_, args, context) => {
        const { services, caller } = writer(context);
        await deleteMembership(services, caller, args.teamId, args.membershipId);
        return statusOk;
      },
    }),
  }));

  return { Preferences, MembershipList };
}
