import type { Database } from '../db/open.ts';
import type { IdentityCache } from './identity-cache.ts';

/** What the user and team services read with: the database and the clock (the metadata `Catalog` satisfies it). */
export interface IdentityContext {
  db: Database;
  now: () => number;
}

/**
 * What changing a user's standing needs besides: the cache caller resolution reads. Such a write invalidates
 * the user there, so it counts from the next request.
 */
export interface IdentityWriteContext extends IdentityContext {
  cache: Pick<IdentityCache, 'invalidateUser' | 'invalidateAllUsers' | 'invalidateSession'>;
}
