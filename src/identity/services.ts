import type { ExternalJwtConfig } from '../config.ts';
import type { PrismaClient } from '../generated/sqlite/client.ts';
import type { AttemptCounter, AttemptWindow } from './attempt-limiter.ts';
import type { IdentityCache } from './identity-cache.ts';

/** What the account, session and JWT operations and caller resolution share. */
export interface IdentityServices {
  prisma: PrismaClient;
  cache: IdentityCache;
  /** Signs and verifies this gateway's own (HS256) user JWTs. */
  jwtSecret: string;
  externalJwt: ExternalJwtConfig | null;
  loginFailures: AttemptCounter;
  loginLimit: AttemptWindow;
  now: () => number;
}
