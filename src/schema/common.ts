import { requireScope } from '../auth/api-keys.ts';
import type { ArgBuilder, Builder } from './builder.ts';
import type { IdentityWriteContext } from '../identity/context.ts';
import type { GatewayContext } from './context.ts';

/** Checks the caller's scope and hands back the catalog: the first line of every resolver. */
export function authorize(context: GatewayContext, scope: string) {
  requireScope(context.caller, scope);
  return context.services.catalog;
}

/** Checks the caller's scope and hands back what the user and team services work with. */
export function authorizeIdentity(context: GatewayContext, scope: string): IdentityWriteContext {
  const { db, now } = authorize(context, scope);
  return { db, now, cache: context.services.identity.cache };
}

/** Users and teams have no stored preferences (no prefs operations yet): always the empty object. */
export const NO_PREFS = {};

/** A page of a list plus a deferred, capped count: `total` costs a query only when it is selected. */
export interface Listed<T> {
  items: T[];
  total: () => Promise<number>;
}

export function listed<T>(rows: T[], count: (cap: number) => Promise<number>, context: GatewayContext, withTotal: boolean | null | undefined): Listed<T> {
  return { items: rows, total: () => (withTotal === false ? Promise.resolve(0) : count(context.services.config.countLimit)) };
}

export interface StatusShape {
  status: boolean;
}

export const statusOk: StatusShape = { status: true };

/** Appwrite's rule for client-chosen IDs and keys (src/validation/ids.ts), as descriptions word it. */
export const ID_RULE = '1 to 36 chars of a-z, A-Z, 0-9, period, hyphen and underscore, not starting with a special char';

/** The description of the argument that names a new resource's ID. */
export const newIdDescription = (what: string) => `${what} ID: ${ID_RULE}; or "unique()" for a generated one.`;

/** Arguments shared by the list operations. */
export const listArgs = (arg: ArgBuilder) => ({
  queries: arg.stringList({
    required: false,
    description: 'Queries in Appwrite\'s JSON syntax, as the SDKs\' Query helpers write them, e.g. {"method":"limit","values":[10]}: filters, order, limit (default 25, at most MAX_LIST_LIMIT), offset and cursors.',
  }),
  total: arg.boolean({ required: false, description: 'When false, the matches are not counted and `total` is 0 (faster). Default true.' }),
});

/** The sentence that ends a list operation's description: what its queries may filter and sort on. */
export const queryableFields = (fields: Record<string, unknown>) => `Queries may filter and sort on ${Object.keys(fields).join(', ')}.`;

/** The `search` argument of the membership lists (a team's, a user's). */
export const membershipSearchArg = (arg: ArgBuilder) =>
  arg.string({ required: false, description: 'Text to look for in the team name and the member\'s name and email (a substring match).' });

/** The database and collection a collection-scoped operation works on. */
export const collectionArgs = (arg: ArgBuilder) => ({
  databaseId: arg.string({ required: true, description: 'Database ID.' }),
  collectionId: arg.string({ required: true, description: 'Collection ID.' }),
});

/**
 * A page type in Appwrite's shape: `total` plus the items under their plural name (`documents`, `databases`…).
 * `total` counts matches up to COUNT_LIMIT, is 0 with `total: false`, and costs a query only when selected.
 */
export function addListType<T>(
  builder: Builder,
  name: string,
  itemsField: string,
  item: PothosSchemaTypes.ObjectRef<any, T> | PothosSchemaTypes.InterfaceRef<any, T>,
) {
  return builder.objectRef<Listed<T>>(name).implement({
    description: `A page of ${itemsField}.`,
    fields: (t) => ({
      total: t.int({
        description: `Number of ${itemsField} that match the queries, counted up to the count limit; 0 when \`total: false\`. Not selecting it skips the count.`,
        resolve: (list) => list.total(),
      }),
      [itemsField]: t.field({ type: [item], description: `The ${itemsField} of this page.`, resolve: (list) => list.items }),
    }),
  });
}

export function addCommonTypes(builder: Builder) {
  const Status = builder.objectRef<StatusShape>('Status').implement({
    description: 'The result of an operation that Appwrite answers with an empty body.',
    fields: (t) => ({ status: t.exposeBoolean('status', { description: 'True when the operation succeeded.' }) }),
  });
  return { Status };
}
