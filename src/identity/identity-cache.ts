import type { ChangeChannel } from '../db/change-channel.ts';
import type { PrismaClient } from '../generated/sqlite/client.ts';
import { rolesOf, type UserIdentity } from '../permissions/roles.ts';

/**
 * What authenticating a request needs to know about users and sessions, kept in memory so a request costs no
 * query in the common case. Every write that changes it invalidates its entries here at once (a label change
 * counts from the next request) and, through the change channel, in every other instance sharing the
 * PostgreSQL database as soon as the notice arrives; a lost channel connection empties the cache.
 */

const MAX_ENTRIES = 10_000;

/** A user as authentication sees them: whether they may sign in at all, and their roles (computed once per load). */
export interface LoadedIdentity {
  blocked: boolean;
  identity: UserIdentity;
  roles: ReadonlySet<string>;
}

/** A live session: whose it is and until when (epoch ms). */
export interface SessionRef {
  id: string;
  userId: string;
  expiresAt: number;
}

/**
 * A size-bounded map of loaded values; evicts the oldest entry when full. A load that raced with an
 * invalidation is answered but not stored: it may have read the row before the change.
 */
class LoadingCache<V> {
  private readonly entries = new Map<string, V>();
  private generation = 0;

  async get(key: string, load: () => Promise<V>): Promise<V> {
    if (this.entries.has(key)) return this.entries.get(key)!;
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, value);
    }
    return value;
  }

  delete(key: string): void {
    this.generation++;
    this.entries.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

/** Change notices: `user <id>`, `users` (all of them), `session <id> <secret hash>`. */
const ALL_USERS = 'users';

export class IdentityCache {
  private readonly users = new LoadingCache<LoadedIdentity | null>();
  private readonly sessionsById = new LoadingCache<SessionRef | null>();
  private readonly sessionsBySecretHash = new LoadingCache<SessionRef | null>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly channel?: ChangeChannel,
  ) {
    channel?.subscribe('identity', { notice: (scope) => this.drop(scope), lost: () => this.clear() });
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
   * Call after any write that changes what a user's requests may do: creation (an ID looked up before may now
   * exist), status, email verification, labels, deletion, and creating, updating or deleting a membership.
   */
  invalidateUser(userId: string): Promise<void> {
    return this.announce(`user ${userId}`);
  }

  /** Call after a write that touches many users at once (deleting a team with its memberships). */
  invalidateAllUsers(): Promise<void> {
    return this.announce(ALL_USERS);
  }

  /** Call after deleting a session, so neither its secret nor its JWTs authenticate any more. */
  invalidateSession(session: { id: string; secretHash: string }): Promise<void> {
    return this.announce(`session ${session.id} ${session.secretHash}`);
  }

  private async announce(scope: string): Promise<void> {
    this.drop(scope);
    await this.channel?.publish('identity', scope);
  }

  private drop(scope: string): void {
    const [kind, id = '', secretHash = ''] = scope.split(' ');
    if (kind === 'user') this.users.delete(id);
    else if (kind === 'session') {
      this.sessionsById.delete(id);
      this.sessionsBySecretHash.delete(secretHash);
    } else this.users.clear();
  }

  private clear(): void {
    this.users.clear();
    this.sessionsById.clear();
    this.sessionsBySecretHash.clear();
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
    const identity: UserIdentity = {
      userId,
      emailVerification: row.emailVerification,
      labels: JSON.parse(row.labels) as string[],
      memberships: row.memberships.map((membership) => ({
        membershipId: membership.id,
        teamId: membership.team.id,
        roles: JSON.parse(membership.roles) as string[],
        confirmed: membership.confirm,
      })),
    };
    return { blocked: !row.status, identity, roles: rolesOf(identity) };
  }

  private async loadSession(where: { id: string } | { secretHash: string }): Promise<SessionRef | null> {
    const row = await this.prisma.session.findUnique({ where, select: { id: true, expire: true, user: { select: { id: true } } } });
    return row ? { id: row.id, userId: row.user.id, expiresAt: Date.parse(row.expire) } : null;
  }
}
