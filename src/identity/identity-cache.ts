import type { PrismaClient } from '../generated/sqlite/client.ts';
import type { UserIdentity } from '../permissions/roles.ts';

/**
 * What authenticating a request needs to know about users and sessions, cached briefly so a request costs no
 * query in the common case. Writes in this process invalidate their entries at once (a label change counts from
 * the next request); other instances sharing the database see a change within IDENTITY_TTL_MS.
 */

/** How long another instance may act on a stale identity or a deleted session. */
export const IDENTITY_TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;

/** A user as authentication sees them: whether they may sign in at all, and what their roles derive from. */
export interface LoadedIdentity {
  blocked: boolean;
  identity: UserIdentity;
}

/** A live session: whose it is and until when (epoch ms). */
export interface SessionRef {
  id: string;
  userId: string;
  expiresAt: number;
}

/** A size-bounded map whose entries expire; evicts the oldest entry when full. */
class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(private readonly now: () => number) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    const value = await load();
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expires: this.now() + IDENTITY_TTL_MS });
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

export class IdentityCache {
  private readonly users: TtlCache<LoadedIdentity | null>;
  private readonly sessionsById: TtlCache<SessionRef | null>;
  private readonly sessionsBySecretHash: TtlCache<SessionRef | null>;

  constructor(
    private readonly prisma: PrismaClient,
    now: () => number,
  ) {
    this.users = new TtlCache(now);
    this.sessionsById = new TtlCache(now);
    this.sessionsBySecretHash = new TtlCache(now);
  }

  /** The user's identity, or null when there is no such user. */
  user(userId: string): Promise<LoadedIdentity | null> {
    return this.users.get(userId, () => this.loadUser(userId));
  }

  sessionById(sessionId: string): Promise<SessionRef | null> {
    return this.sessionsById.get(sessionId, () => this.loadSession({ id: sessionId }));
  }

  sessionBySecretHash(secretHash: string): Promise<SessionRef | null> {
    return this.sessionsBySecretHash.get(secretHash, () => this.loadSession({ secretHash }));
  }

  /**
   * Call after any write that changes what a user's requests may do: status, email verification, labels,
   * deletion, and creating, updating or deleting one of their memberships.
   */
  invalidateUser(userId: string): void {
    this.users.delete(userId);
  }

  /** Call after a write that touches many users at once (deleting a team with its memberships). */
  invalidateAllUsers(): void {
    this.users.clear();
  }

  /** Call after deleting a session, so neither its secret nor its JWTs authenticate any more. */
  invalidateSession(session: { id: string; secretHash: string }): void {
    this.sessionsById.delete(session.id);
    this.sessionsBySecretHash.delete(session.secretHash);
  }

  private async loadUser(userId: string): Promise<LoadedIdentity | null> {
    const row = await this.prisma.user.findUnique({
      where: { id: userId },
      select: {
        status: true,
        emailVerification: true,
        labels: true,
        memberships: { select: { id: true, roles: true, confirm: true, team: { select: { id: true } } } },
      },
    });
    if (!row) return null;
    return {
      blocked: !row.status,
      identity: {
        userId,
        emailVerification: row.emailVerification,
        labels: JSON.parse(row.labels) as string[],
        memberships: row.memberships.map((membership) => ({
          membershipId: membership.id,
          teamId: membership.team.id,
          roles: JSON.parse(membership.roles) as string[],
          confirmed: membership.confirm,
        })),
      },
    };
  }

  private async loadSession(where: { id: string } | { secretHash: string }): Promise<SessionRef | null> {
    const row = await this.prisma.session.findUnique({ where, select: { id: true, expire: true, user: { select: { id: true } } } });
    return row ? { id: row.id, userId: row.user.id, expiresAt: Date.parse(row.expire) } : null;
  }
}
