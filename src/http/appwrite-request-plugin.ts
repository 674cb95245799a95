import type { Plugin } from 'graphql-yoga';
import { AppwriteError } from '../errors/appwrite-error.ts';

/** Appwrite's limit of operations in one batched request. */
export const MAX_BATCH_OPERATIONS = 10;

type Params = Record<string, unknown>;

/**
 * The official SDKs' `Graphql.query()/mutation()` send `{"query": {"query": "...", "variables": …}}`:
 * the operation sits one level down. Plain `{query, variables}` bodies pass unchanged.
 */
export function unwrapSdkParams(params: Params): Params {
  const inner = params['query'];
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Params) : params;
}

function tooManyQueries(): AppwriteError {
  return new AppwriteError('graphql_too_many_queries', 'Too many queries.', { http: { status: 400 } });
}

/** Unwraps SDK-shaped bodies and refuses batches above Appwrite's limit before anything runs. */
export function appwriteRequestPlugin(): Plugin {
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult, setRequestParserResult }) {
          if (Array.isArray(requestParserResult)) {
            if (requestParserResult.length > MAX_BATCH_OPERATIONS) throw tooManyQueries();
            setRequestParserResult(requestParserResult.map((params) => unwrapSdkParams(params as Params)) as never);
          } else {
            setRequestParserResult(unwrapSdkParams(requestParserResult as Params) as never);
          }
        },
      };
    },
  };
}
