import type { ApiKeyStore } from '../auth/api-keys.ts';
import { guestCaller, type Caller } from '../auth/caller.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';

/**
 * Reads who is calling from Appwrite's headers. `X-Appwrite-Project`, when sent, must name this gateway's
 * project. Identity headers for users (JWTs, sessions) plug in here.
 */
export async function resolveCaller(headers: Headers, apiKeys: ApiKeyStore, projectId: string): Promise<Caller> {
  const project = headers.get('x-appwrite-project');
  if (project !== null && project !== projectId) {
    throw new AppwriteError('general_access_forbidden', `Project "${project}" is not served here: this gateway serves project "${projectId}".`);
  }
  const key = headers.get('x-appwrite-key');
  if (key) return apiKeys.resolve(key);
  return guestCaller();
}
