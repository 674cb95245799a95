import type { TypedDocumentString } from './gql/graphql.js';

/** One GraphQL error as the gateway reports it: Appwrite's error `type` and HTTP `code` in the extensions. */
export interface GatewayError {
  message: string;
  extensions?: { type?: string; code?: number };
}

export class GatewayRequestError extends Error {
  constructor(readonly errors: GatewayError[]) {
    super(errors.map((error) => `${error.message} (${error.extensions?.type ?? 'unknown'})`).join('; '));
    this.name = 'GatewayRequestError';
  }
}

export interface ClientOptions {
  /** Appwrite-style endpoint, e.g. http://localhost:4000/v1: operations go to `${endpoint}/graphql`. */
  endpoint: string;
  /** Sent as X-Appwrite-Key. */
  apiKey: string;
}

/**
 * A typed client for codegen's documents: the result and variables types come from the document, so a typo in
 * a field or a missing variable fails `tsc`. Blob variables (the schema's `InputFile`) are sent as a GraphQL
 * multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec), everything else as JSON.
 */
export function createClient({ endpoint, apiKey }: ClientOptions) {
  const url = `${endpoint.replace(/\/$/, '')}/graphql`;
  const headers = { 'x-appwrite-key': apiKey };

  return async function request<Result, Variables>(document: TypedDocumentString<Result, Variables>, variables: Variables): Promise<Result> {
    const operation = { query: document.toString(), variables };
    const files = Object.entries(operation.variables as Record<string, unknown>).filter((entry): entry is [string, Blob] => entry[1] instanceof Blob);
    const response = files.length === 0
      ? await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(operation) })
      : await fetch(url, { method: 'POST', headers, body: multipartBody(operation, files) });
    const body = (await response.json()) as { data?: Result; errors?: GatewayError[] };
    if (body.errors?.length) throw new GatewayRequestError(body.errors);
    if (!body.data) throw new Error(`Unexpected response (HTTP ${response.status})`);
    return body.data;
  };
}

/** The multipart request spec's form: `operations` with the files nulled, `map` naming where each part goes. */
function multipartBody(operation: { query: string; variables: unknown }, files: [string, Blob][]): FormData {
  const variables = { ...(operation.variables as Record<string, unknown>) };
  const map: Record<string, string[]> = {};
  files.forEach(([name], index) => {
    variables[name] = null;
    map[index] = [`variables.${name}`];
  });
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: operation.query, variables }));
  form.set('map', JSON.stringify(map));
  files.forEach(([, blob], index) => form.set(String(index), blob, blob instanceof File ? blob.name : `file-${index}`));
  return form;
}
