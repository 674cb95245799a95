import type { Plugin } from 'graphql-yoga';
import { AppwriteError } from '../errors/appwrite-error.ts';

/** Appwrite's limit of operations in one batched request. */
export const MAX_BATCH_OPERATIONS = 10;

type Params = Record<string, unknown>;

const isObject = (value: unknown): value is Params => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The official SDKs' `Graphql.query()/mutation()` send `{"query": {"query": "...", "variables": …}}`, or
 * `{"query": [{…}, {…}]}` for a batch: the operation(s) sit one level down. Plain `{query, variables}` bodies
 * pass unchanged.
 */
export function unwrapSdkParams(params: Params): Params | Params[] {
  const inner = params['query'];
  if (isObject(inner)) return inner;
  if (Array.isArray(inner) && inner.every(isObject)) return inner;
  return params;
}

function tooManyQueries(): AppwriteError {
  return new AppwriteError('graphql_too_many_queries', 'Too many queries.', { http: { status: 400 } });
}

const isSdkRequest = (request: Request): boolean => request.headers.get('x-sdk-graphql') === 'true';

interface ErrorBody {
  errors?: { message?: unknown; extensions?: { type?: unknown } }[];
}

/**
 * The SDKs throw AppwriteException(body.message, status, body.type) on an HTTP error status and read only
 * Appwrite's error shape: a failed request (bad body, too many queries…) gets its first error's message and
 * type beside GraphQL's `errors`, so the exception says what went wrong. Only for SDK requests: the GraphQL
 * response format allows no other top-level keys.
 */
async function withAppwriteErrorShape(response: Response): Promise<Response | null> {
  if (!response.headers.get('content-type')?.includes('json')) return null;
  const body = (await response.clone().json()) as ErrorBody;
  const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
  if (!first || typeof first.message !== 'string') return null;
  const type = typeof first.extensions?.type === 'string' ? first.extensions.type : 'general_argument_invalid';
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify({ message: first.message, code: response.status, type, ...body }), { status: response.status, headers });
}

/** Unwraps SDK-shaped bodies, refuses batches above Appwrite's limit before anything runs, shapes SDK errors. */
export function appwriteRequestPlugin(): Plugin {
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult, setRequestParserResult }) {
          const params = Array.isArray(requestParserResult)
            ? (requestParserResult as Params[]).map((one) => unwrapSdkParams(one) as Params)
            : unwrapSdkParams(requestParserResult as Params);
          if (Array.isArray(params) && params.length > MAX_BATCH_OPERATIONS) throw tooManyQueries();
          setRequestParserResult(params as never);
        },
      };
    },
    async onResponse({ request, response, setResponse }) {
      if (response.status < 400 || !isSdkRequest(request)) return;
      const shaped = await withAppwriteErrorShape(response);
      if (shaped) setResponse(shaped);
    },
  };
}
