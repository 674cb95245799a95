/**
 * A small, pure reference model of who may do what to documents, written from Appwrite's rules and
 * independent of src/ (it computes roles itself), for the model-based test in
 * test/api/permission-model.test.ts. Worlds are symbolic: users, teams and memberships are indexes, and the
 * test maps them to real IDs (memberships get theirs from the API).
 */

export type DocumentAction = 'read' | 'update' | 'delete';
export type CollectionAction = 'create' | DocumentAction;

/** A role before the world's IDs are known; `member` names a membership by its index in the world. */
export type RoleSpec =
  | { kind: 'any' | 'guests' | 'users' | 'users/verified' | 'users/unverified' }
  | { kind: 'user'; user: number; dimension: '' | '/verified' | '/unverified' }
  | { kind: 'team'; team: number; role: string | null }
  | { kind: 'member'; membership: number }
  | { kind: 'label'; label: string };

export interface PermissionSpec<A extends string = CollectionAction> {
  action: A;
  role: RoleSpec;
}

export interface ModelUser {
  verified: boolean;
  labels: string[];
}

export interface ModelMembership {
  user: number;
  team: number;
  roles: string[];
}

export interface ModelCollection {
  documentSecurity: boolean;
  permissions: PermissionSpec[];
}

export interface ModelDocument {
  /** Index into the collections; the document's ID is `d<index in the world's documents>`. */
  collection: number;
  permissions: PermissionSpec<DocumentAction>[];
}

export interface World {
  users: ModelUser[];
  teams: number;
  /** Distinct (user, team) pairs; all confirmed (the gateway has no invitations). */
  memberships: ModelMembership[];
  collections: ModelCollection[];
  documents: ModelDocument[];
}

export type CallerSpec = { kind: 'key' } | { kind: 'guest' } | { kind: 'user'; user: number };

/** The concrete IDs of a world set up through the API. */
export interface WorldIds {
  user: (index: number) => string;
  team: (index: number) => string;
  /** A membership's API-assigned ID; unknown indexes name a membership nobody has. */
  membership: (index: number) => string;
}

export function roleString(role: RoleSpec, ids: WorldIds): string {
  switch (role.kind) {
    case 'user':
      return `user:${ids.user(role.user)}${role.dimension}`;
    case 'team':
      return `team:${ids.team(role.team)}${role.role === null ? '' : `/${role.role}`}`;
    case 'member':
      return `member:${ids.membership(role.membership)}`;
    case 'label':
      return `label:${role.label}`;
    default:
      return role.kind;
  }
}

export const permissionString = (permission: PermissionSpec<string>, ids: WorldIds): string => `${permission.action}("${roleString(permission.role, ids)}")`;

/** Whether a (non-key) caller holds a role: Appwrite's roles, each checked on its own terms. */
function holds(world: World, caller: CallerSpec, role: RoleSpec): boolean {
  if (caller.kind === 'key') return false;
  if (role.kind === 'any') return true;
  if (caller.kind === 'guest') return role.kind === 'guests';
  const user = world.users[caller.user]!;
  const dimension = user.verified ? '/verified' : '/unverified';
  switch (role.kind) {
    case 'guests':
      return false;
    case 'users':
      return true;
    case 'users/verified':
    case 'users/unverified':
      return role.kind === `users${dimension}`;
    case 'user':
      return role.user === caller.user && (role.dimension === '' || role.dimension === dimension);
    case 'team':
      // `team:T` for any confirmed member, `team:T/R` only with team role R.
      return world.memberships.some((m) => m.user === caller.user && m.team === role.team && (role.role === null || m.roles.includes(role.role)));
    case 'member':
      return world.memberships[role.membership]?.user === caller.user;
    case 'label':
      return user.labels.includes(role.label);
  }
}

const grants = <A extends string>(permissions: readonly PermissionSpec<A>[], action: A, world: World, caller: CallerSpec) =>
  permissions.some((p) => p.action === action && holds(world, caller, p.role));

/** Keys bypass permissions; others pass through the collection, or with document security the document too. */
export function mayAct(world: World, caller: CallerSpec, documentIndex: number, action: DocumentAction): boolean {
  if (caller.kind === 'key') return true;
  const document = world.documents[documentIndex]!;
  const collection = world.collections[document.collection]!;
  return grants(collection.permissions, action, world, caller) || (collection.documentSecurity && grants(document.permissions, action, world, caller));
}

export type Outcome<T> = { ok: T } | { error: string };

/** The live documents of a collection, as indexes in insertion order. */
const documentsOf = (world: World, deleted: ReadonlySet<number>, collection: number) =>
  world.documents.flatMap((d, i) => (d.collection === collection && !deleted.has(i) ? [i] : []));

/** What the model expects from the API. `deleted` tracks documents removed by earlier operations. */
export class Model {
  readonly deleted = new Set<number>();

  constructor(readonly world: World) {}

  list(caller: CallerSpec, collection: number): Outcome<{ ids: number[]; total: number }> {
    const live = documentsOf(this.world, this.deleted, collection);
    const c = this.world.collections[collection]!;
    if (caller.kind !== 'key' && !grants(c.permissions, 'read', this.world, caller) && !c.documentSecurity) return { error: 'user_unauthorized' };
    const ids = live.filter((i) => mayAct(this.world, caller, i, 'read'));
    return { ok: { ids, total: ids.length } };
  }

  private exists(collection: number, document: number): boolean {
    return this.world.documents[document]?.collection === collection && !this.deleted.has(document);
  }

  get(caller: CallerSpec, collection: number, document: number): Outcome<number> {
    return this.exists(collection, document) && mayAct(this.world, caller, document, 'read') ? { ok: document } : { error: 'document_not_found' };
  }

  write(caller: CallerSpec, collection: number, document: number, action: 'update' | 'delete'): Outcome<true> {
    // The action's permission suffices (as in Appwrite); without it, only a reader learns the document exists.
    if (!this.exists(collection, document)) return { error: 'document_not_found' };
    if (!mayAct(this.world, caller, document, action)) {
      return { error: mayAct(this.world, caller, document, 'read') ? 'user_unauthorized' : 'document_not_found' };
    }
    if (action === 'delete') this.deleted.add(document);
    return { ok: true };
  }
}
