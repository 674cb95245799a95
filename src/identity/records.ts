import type { Membership, Team, User } from '../generated/sqlite/client.ts';

/**
 * Identity rows (Prisma) as the API's models. Password hashes never leave this layer: the User model has no
 * `password`/`hash`/`hashOptions` fields (Appwrite exposes them; a gateway has no reason to).
 */

export interface UserRecord {
  id: string;
  name: string;
  email: string;
  status: boolean;
  emailVerification: boolean;
  labels: string[];
  registration: string;
  passwordUpdate: string;
  accessedAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface TeamRecord {
  id: string;
  name: string;
  /** Confirmed members, counted by the query that read the team. */
  total: number;
  createdAt: string;
  updatedAt: string;
}

export interface MembershipRecord {
  id: string;
  userId: string;
  userName: string;
  userEmail: string;
  teamId: string;
  teamName: string;
  roles: string[];
  invited: string;
  joined: string;
  confirm: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Prisma `include` that counts a team's confirmed members in the same query (Team.total is never stored). */
export const TEAM_TOTAL = { _count: { select: { memberships: { where: { confirm: true } } } } } as const;
export type TeamRow = Team & { _count: { memberships: number } };

/** Prisma `include` for everything the Membership model names. */
export const MEMBERSHIP_PARTIES = { user: true, team: true } as const;
export type MembershipRow = Membership & { user: User; team: Team };

export const toUser = (row: User): UserRecord => ({
  id: row.id,
  name: row.name,
  email: row.email ?? '',
  status: row.status,
  emailVerification: row.emailVerification,
  labels: JSON.parse(row.labels) as string[],
  registration: row.registration,
  passwordUpdate: row.passwordUpdate ?? '',
  accessedAt: row.accessedAt ?? '',
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export const toTeam = (row: TeamRow): TeamRecord => ({
  id: row.id,
  name: row.name,
  total: row._count.memberships,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export const toMembership = (row: MembershipRow): MembershipRecord => ({
  id: row.id,
  userId: row.user.id,
  userName: row.user.name,
  userEmail: row.user.email ?? '',
  teamId: row.team.id,
  teamName: row.team.name,
  roles: JSON.parse(row.roles) as string[],
  invited: row.invited,
  joined: row.joined ?? '',
  confirm: row.confirm,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});
