/**
 * What the SDKs' Graphql.query()/mutation() resolve to: the GraphQL response body as is. Errors of operations
 * (not found, no permission, rate limits) arrive in `errors` with HTTP 200 and are not thrown, as with Appwrite.
 */
export interface SdkGraphqlResult<T = any> {
  data?: T;
  errors?: { message: string; extensions?: { type?: string; code?: number } }[];
}

/** The `data` of an SDK result; fails the test on any error. */
export async function dataOf<T = any>(pending: Promise<{}>): Promise<T> {
  const result = (await pending) as SdkGraphqlResult<T>;
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** The error of an SDK result that must have failed. */
export async function errorOf(pending: Promise<{}>): Promise<{ message: string; type?: string; code?: number }> {
  const result = (await pending) as SdkGraphqlResult;
  const error = result.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return { message: error.message, type: error.extensions?.type, code: error.extensions?.code };
}
