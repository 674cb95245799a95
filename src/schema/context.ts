import type { Caller } from '../auth/caller.ts';
import type { ApiKeyStore } from '../auth/api-keys.ts';
import type { Config } from '../config.ts';
import type { IdentityServices } from '../identity/services.ts';
import type { Catalog } from '../metadata/catalog.ts';
import type { StorageServices } from '../storage/context.ts';

/** Long-lived services shared by every request. */
export interface Services {
  config: Config;
  catalog: Catalog;
  apiKeys: ApiKeyStore;
  identity: IdentityServices;
  storage: StorageServices;
}

/** Per-request GraphQL context: the services plus who is calling. */
export interface GatewayContext {
  services: Services;
  caller: Caller;
  /** Headers added to this request's HTTP response (shared by the operations of a batch). */
  responseHeaders: Headers;
}
