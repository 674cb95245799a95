/**
 * The rate limit of every write operation (Mutation field), before RATE_LIMITS overrides. Numbers are Appwrite's
 * `x-appwrite` rate-limit / rate-time where Appwrite sets one; where it sets none (0: its console and server-key
 * operations) they get DEFAULT, 60 per minute. Every mutation must appear here: the schema refuses to build a
 * mutation without an entry, so a new operation gets a deliberate limit.
 */

export interface RateLimitSpec {
  max: number;
  /** A duration: digits and a unit, ms, s, m, h or d (e.g. "60s", "1h"). */
  window: string;
  /**
   * Key the budget by these arguments' values alone (Appwrite's `email:{param-email}` for sign-ins) instead of by
   * client IP and caller.
   */
  identityArgs?: readonly string[];
}

const DEFAULT: RateLimitSpec = { max: 60, window: '60s' };
/** Appwrite's limit on document writes (and account JWTs). */
const WRITE: RateLimitSpec = { max: 120, window: '60s' };
/** Appwrite's limit on deletes and on file and token writes. */
const SIXTY_PER_MINUTE: RateLimitSpec = { max: 60, window: '60s' };

const ATTRIBUTE_KINDS = ['Boolean', 'Datetime', 'Email', 'Enum', 'Float', 'Integer', 'Ip', 'String', 'Url'] as const;

export const DEFAULT_RATE_LIMITS: Readonly<Record<string, RateLimitSpec>> = {
  accountCreate: { max: 10, window: '1h' },
  accountCreateEmailPasswordSession: { max: 10, window: '1h', identityArgs: ['email'] },
  accountCreateJWT: WRITE,
  accountDeleteSession: { max: 100, window: '1h' },
  usersCreateJWT: DEFAULT,

  databasesCreateDocument: WRITE,
  databasesUpdateDocument: WRITE,
  databasesUpsertDocument: WRITE,
  databasesUpsertDocuments: WRITE,
  databasesUpdateDocuments: WRITE,
  databasesIncrementDocumentAttribute: WRITE,
  databasesDecrementDocumentAttribute: WRITE,
  databasesDeleteDocument: SIXTY_PER_MINUTE,
  databasesDeleteDocuments: SIXTY_PER_MINUTE,

  storageCreateFile: SIXTY_PER_MINUTE,
  storageDeleteFile: SIXTY_PER_MINUTE,
  storageUpdateFile: DEFAULT,
  storageCreateBucket: DEFAULT,
  storageUpdateBucket: DEFAULT,
  storageDeleteBucket: DEFAULT,

  tokensCreateFileToken: SIXTY_PER_MINUTE,
  tokensUpdate: SIXTY_PER_MINUTE,
  tokensDelete: SIXTY_PER_MINUTE,

  teamsCreateMembership: { max: 10, window: '1h' },
  teamsCreate: DEFAULT,
  teamsUpdateName: DEFAULT,
  teamsDelete: DEFAULT,
  teamsUpdateMembership: DEFAULT,
  teamsDeleteMembership: DEFAULT,

  usersCreate: DEFAULT,
  usersDelete: DEFAULT,
  usersUpdateStatus: DEFAULT,
  usersUpdateEmailVerification: DEFAULT,
  usersUpdateLabels: DEFAULT,

  databasesCreate: DEFAULT,
  databasesUpdate: DEFAULT,
  databasesDelete: DEFAULT,
  databasesCreateCollection: DEFAULT,
  databasesUpdateCollection: DEFAULT,
  databasesDeleteCollection: DEFAULT,
  ...Object.fromEntries(ATTRIBUTE_KINDS.flatMap((kind) => [[`databasesCreate${kind}Attribute`, DEFAULT], [`databasesUpdate${kind}Attribute`, DEFAULT]])),
  databasesDeleteAttribute: DEFAULT,
  databasesCreateIndex: DEFAULT,
  databasesDeleteIndex: DEFAULT,
};
