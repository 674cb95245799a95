import type { Caller } from '../auth/caller.ts';
import type { ApiKeyStore } from '../auth/api-keys.ts';
import type { Config } from '../config.ts';
import type { IdentityServices } from '../identity/services.ts';
import type { Catalog } from '../metadata/catalog.ts';
import type { RateLimitReport } from '../rate-limit/headers.ts';
import type { RateLimiter } from '../rate-limit/limiter.ts';
import type { StorageServices } from '../storage/context.ts';

/** Long-lived services shared by every request. */
export interface Services {
  config: Config;
  catalog: Catalog;
  apiKeys: ApiKeyStore;
  identity: IdentityServices;
  storage: StorageServices;
  rateLimiter: RateLimiter;
}

/** Per-request GraphQL context: the services plus who is calling. */
export interface GatewayContext {
  services: Services;
  caller: Caller;
  /** The client's address (the socket's, or X-Forwarded-For's behind TRUST_PROXY): rate limits key by it. */
  clientIp: string;
  /** This request's rate-limit decisions, reported in X-RateLimit-* response headers. */
  rateLimitReport: RateLimitReport;
  /** Headers added to this request's HTTP response (shared by the operations of a batch). */
  responseHeaders: Headers;
}
