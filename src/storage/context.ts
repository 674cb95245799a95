import type { Caller } from '../auth/caller.ts';
import type { Database } from '../db/open.ts';
import type { FileStore } from './file-store.ts';

/** What the storage and token services work with. */
export interface StorageServices {
  db: Database;
  store: FileStore;
  now: () => number;
  /** Upper bound of a bucket's maximumFileSize (MAX_FILE_BYTES). */
  maxFileBytes: number;
  /** Key of the JWTs inside file tokens (derived from JWT_SECRET, see src/tokens/token-jwt.ts). */
  tokenKey: string;
  /** PUBLIC_URL, or null for relative token URLs. */
  publicUrl: string | null;
}

/** A storage operation's context: the services and who is calling. */
export interface StorageContext extends StorageServices {
  caller: Caller;
}
