import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Caller } from '../auth/caller.ts';

/** graphql-js appends its suggestions last: ` Did you mean "a", "b", or "c"?` (also "the enum value …", "to use an inline fragment on …"). */
const SUGGESTION = / Did you mean [\s\S]*\?$/;

/**
 * Takes graphql-js's "Did you mean …?" out of error messages for every caller but API keys, so guests and users
 * cannot map the schema by guessing. Done on the response, not in validation: Yoga validates before it builds the
 * context, so the caller is not known then, and the validation cache is shared by every caller. It also covers
 * the suggestions made while coercing variables (enum values, input fields). The caller is resolved only for a
 * response that carries a suggestion; one that cannot be resolved (a bad key) is not a key.
 */
export function suggestionsFilterPlugin(callerOf: (request: Request) => Promise<Caller>): Plugin {
  return {
    async onResultProcess({ request, result, setResult }) {
      if (!hasSuggestion(result)) return;
      const caller = await callerOf(request).catch(() => null);
      if (caller?.kind === 'key') return;
      setResult(Array.isArray(result) ? result.map(withoutSuggestions) : withoutSuggestions(result as ExecutionResult));
    },
  };
}

function hasSuggestion(result: unknown): boolean {
  if (Array.isArray(result)) return result.some(hasSuggestion);
  const errors = (result as ExecutionResult | null)?.errors;
  return errors?.some((error) => SUGGESTION.test(error.message)) ?? false;
}

/** New error objects: the originals may sit in Yoga's validation cache, shared with API-key callers. */
function withoutSuggestions(result: ExecutionResult): ExecutionResult {
  if (!result.errors) return result;
  return {
    ...result,
    errors: result.errors.map((error) =>
      SUGGESTION.test(error.message)
        ? new GraphQLError(error.message.replace(SUGGESTION, ''), {
            ...(error.nodes ? { nodes: error.nodes } : {}),
            ...(error.source ? { source: error.source } : {}),
            ...(error.positions ? { positions: error.positions } : {}),
            ...(error.path ? { path: error.path } : {}),
            ...(error.originalError ? { originalError: error.originalError } : {}),
            extensions: error.extensions,
          })
        : error,
    ),
  };
}
