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
  /** The value of the collections' one attribute, `n`, which list filters and bulk updates use. */
  n: string;
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
export function holds(world: World, caller: CallerSpec, role: RoleSpec): boolean {
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

/** What a list or bulk operation selects: documents whose `n` equals `filter` (all when null), then a page. */
export interface Selection {
  filter: string | null;
  limit: number | null;
  offset: number;
}

const unauthorized = { error: 'user_unauthorized' } as const;

/** Appwrite's default page size for lists; bulk operations take up to 1000 matches. */
const DEFAULT_LIST_LIMIT = 25;
const MAX_BATCH = 1000;

const page = (matches: number[], selection: Selection, defaultLimit: number) =>
  matches.slice(selection.offset, selection.offset + (selection.limit ?? defaultLimit));

/** What the model expects from the API. `deleted` tracks documents removed by earlier operations. */
export class Model {
  readonly deleted = new Set<number>();

  constructor(readonly world: World) {}

  /** The live documents of a collection, as indexes in insertion order. */
  private documentsOf(collection: number): number[] {
    return this.world.documents.flatMap((d, i) => (d.collection === collection && !this.deleted.has(i) ? [i] : []));
  }

  private grantsOnCollection(caller: CallerSpec, collection: number, action: CollectionAction): boolean {
    return caller.kind === 'key' || grants(this.world.collections[collection]!.permissions, action, this.world, caller);
  }

  /** Readable matches in insertion order, or an error when the collection can grant no read at all. */
  private readableMatches(caller: CallerSpec, collection: number, filter: string | null): Outcome<number[]> {
    if (!this.grantsOnCollection(caller, collection, 'read') && !this.world.collections[collection]!.documentSecurity) return unauthorized;
    const ids = this.documentsOf(collection).filter((i) => mayAct(this.world, caller, i, 'read') && (filter === null || this.world.documents[i]!.n === filter));
    return { ok: ids };
  }

  list(caller: CallerSpec, collection: number, selection: Selection): Outcome<{ ids: number[]; total: number }> {
    const matches = this.readableMatches(caller, collection, selection.filter);
    if ('error' in matches) return matches;
    return { ok: { ids: page(matches.ok, selection, DEFAULT_LIST_LIMIT), total: matches.ok.length } };
  }

  private exists(collection: number, document: number): boolean {
    return this.world.documents[document]?.collection === collection && !this.deleted.has(document);
  }

  get(caller: CallerSpec, collection: number, document: number): Outcome<number> {
    return this.exists(collection, document) && mayAct(this.world, caller, document, 'read') ? { ok: document } : { error: 'document_not_found' };
  }

  /** A non-key caller may only put roles it holds on a document (Appwrite's rule). */
  private grantable(caller: CallerSpec, permissions: readonly PermissionSpec<DocumentAction>[]): boolean {
    return caller.kind === 'key' || permissions.every((p) => holds(this.world, caller, p.role));
  }

  /**
   * Needs the collection's create permission and grantable roles; without `permissions`, a user's document
   * gets read, update and delete for that user, anyone else's none. Answers the new document's index.
   */
  create(caller: CallerSpec, collection: number, permissions: PermissionSpec<DocumentAction>[] | null): Outcome<number> {
    if (!this.grantsOnCollection(caller, collection, 'create')) return unauthorized;
    if (permissions !== null && !this.grantable(caller, permissions)) return unauthorized;
    const own = caller.kind === 'user' ? (['read', 'update', 'delete'] as const).map((action) => ({ action, role: { kind: 'user' as const, user: caller.user, dimension: '' as const } })) : [];
    this.world.documents.push({ collection, permissions: permissions ?? own, n: 'x' });
    return { ok: this.world.documents.length - 1 };
  }

  /**
   * Update (setting `n`, and the permissions when given) or delete one document. New permissions are checked
   * first (that reveals nothing about the document); then the action's permission suffices, as in Appwrite;
   * without it, only a reader learns the document exists.
   */
  write(
    caller: CallerSpec,
    collection: number,
    document: number,
    change: { action: 'update'; n: string; permissions: PermissionSpec<DocumentAction>[] | null } | { action: 'delete' },
  ): Outcome<true> {
    if (change.action === 'update' && change.permissions !== null && !this.grantable(caller, change.permissions)) return unauthorized;
    if (!this.exists(collection, document)) return { error: 'document_not_found' };
    if (!mayAct(this.world, caller, document, change.action)) {
      return { error: mayAct(this.world, caller, document, 'read') ? 'user_unauthorized' : 'document_not_found' };
    }
    if (change.action === 'delete') this.deleted.add(document);
    else {
      const target = this.world.documents[document]!;
      target.n = change.n;
      if (change.permissions !== null) target.permissions = change.permissions;
    }
    return { ok: true };
  }

  /**
   * Bulk update (`n`) or delete: without a key, the collection must grant the action (document security is per
   * document); acts on the readable matches, up to the limit, and answers their indexes.
   */
  bulk(caller: CallerSpec, collection: number, change: { action: 'update'; n: string } | { action: 'delete' }, selection: Selection): Outcome<number[]> {
    if (!this.grantsOnCollection(caller, collection, change.action)) return unauthorized;
    const matches = this.readableMatches(caller, collection, selection.filter);
    if ('error' in matches) return matches;
    const chosen = page(matches.ok, selection, MAX_BATCH);
    for (const i of chosen) {
      if (change.action === 'delete') this.deleted.add(i);
      else this.world.documents[i]!.n = change.n;
    }
    return { ok: chosen };
  }
}
