import { API_KEY_SCOPES } from './caller.ts';
import type { ApiKeyStore } from './api-keys.ts';
import type { PrismaClient } from '../generated/sqlite/client.ts';

/**
 * A fresh install with no ROOT_API_KEY and no API key at all could do nothing useful: on that first start an API
 * key with every scope is created and its secret returned once, for the operator to copy (it is stored hashed).
 */
export async function createBootstrapKey(prisma: PrismaClient, apiKeys: ApiKeyStore, rootApiKey: string | null): Promise<string | null> {
  if (rootApiKey || (await prisma.apiKey.count()) > 0) return null;
  const { secret } = await apiKeys.create('bootstrap', API_KEY_SCOPES);
  return secret;
}
