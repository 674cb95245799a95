import { GraphQLError } from 'graphql';

/**
 * Yoga's maskError: a GraphQLError all the way down is meant for the client; anything else is an internal failure,
 * answered as general_server_error. maskError is not told the request, so the cause is remembered beside the masked
 * error and logged by the request log (src/observability/request-log-plugin.ts), with the request ID.
 */

const causes = new WeakMap<GraphQLError, unknown>();

function isClientError(error: unknown): boolean {
  return error instanceof GraphQLError && (error.originalError == null || isClientError(error.originalError));
}

export function maskInternalError(error: unknown): GraphQLError {
  if (isClientError(error)) return error as GraphQLError;
  const masked = new GraphQLError('Server Error', { extensions: { type: 'general_server_error', code: 500 } });
  causes.set(masked, (error as GraphQLError).originalError ?? error);
  return masked;
}

/** What a masked error hides, for the log; undefined for a client error. */
export function internalCause(error: GraphQLError): unknown {
  return causes.get(error);
}

export function describeCause(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}
