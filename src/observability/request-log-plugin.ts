import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Caller } from '../auth/caller.ts';
import type { Logger } from '../logger.ts';
import { describeCause, internalCause } from './internal-errors.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.ts';

/**
 * One log line per HTTP request Yoga answers, and X-Request-Id on its response. Built from what Yoga already has
 * at hand (the parsed document, the context's caller, the result's error objects, the response status): no body
 * is read and no response serialised again. By construction it holds no credentials: no headers but the request
 * ID, no query text, no variables or argument values (a sign-in's carry a password).
 */

/** The error type reported for an error without extensions.type (GraphQL's own validation errors). */
export const UNTYPED_ERROR = 'untyped';

interface OperationTrace {
  name: string | null;
  type: string | null;
}

/** What the request's line reports; also handed to `observe` (metrics). */
export interface RequestSummary {
  requestId: string;
  method: string;
  path: string;
  /** One per operation (several in a batch); empty when the request never got to an operation. */
  operations: OperationTrace[];
  batch: boolean;
  callerKind: Caller['kind'] | null;
  status: number;
  durationMs: number;
  /** extensions.type of every error of the answer, in order (UNTYPED_ERROR for an error without one). */
  errorTypes: string[];
}

interface RequestTrace extends Omit<RequestSummary, 'status' | 'durationMs'> {
  started: number;
}

export interface RequestLogOptions {
  logger: Logger;
  /** Called with each finished request's summary (metrics); not given when nothing more is recorded. */
  observe?: (summary: RequestSummary) => void;
}

/** Milliseconds since `started` (a performance.now() reading), to 0.01 ms. */
export function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

function operationOf(document: DocumentNode, operationName: string | undefined): OperationTrace {
  const operation = getOperationAST(document, operationName);
  return { name: operation?.name?.value ?? null, type: operation?.operation ?? null };
}

function resultsOf(result: unknown): ExecutionResult[] {
  if (Array.isArray(result)) return result as ExecutionResult[];
  return result !== null && typeof result === 'object' && 'errors' in result ? [result as ExecutionResult] : [];
}

export function requestLogPlugin({ logger, observe }: RequestLogOptions): Plugin {
  const traces = new WeakMap<Request, RequestTrace>();
  // Keyed by the per-operation context, so each operation of a batch fills its own entry.
  const operationsByContext = new WeakMap<object, OperationTrace>();

  const logInternalErrors = (trace: RequestTrace, errors: readonly GraphQLError[]) => {
    for (const error of errors) {
      const cause = internalCause(error);
      if (cause !== undefined) logger.error('internal error', { requestId: trace.requestId, error: describeCause(cause) });
    }
  };

  return {
    onRequest({ request, url }) {
      traces.set(request, {
        requestId: requestIdFrom(request.headers.get(REQUEST_ID_HEADER)),
        started: performance.now(),
        method: request.method,
        path: url.pathname,
        operations: [],
        batch: false,
        callerKind: null,
        errorTypes: [],
      });
    },
    onParams({ request, context }) {
      const operation: OperationTrace = { name: null, type: null };
      traces.get(request)?.operations.push(operation);
      operationsByContext.set(context, operation);
    },
    onParse({ context }) {
      return ({ result }) => {
        const operation = operationsByContext.get(context);
        if (!operation || result instanceof Error || !result) return;
        const params = (context as { params?: { operationName?: string } }).params;
        Object.assign(operation, operationOf(result, params?.operationName));
      };
    },
    onExecutionResult({ request, context }) {
      const trace = traces.get(request);
      const caller = (context as { caller?: Caller }).caller;
      if (trace && caller) trace.callerKind = caller.kind;
    },
    onResultProcess({ request, result }) {
      const trace = traces.get(request);
      if (!trace) return;
      trace.batch = Array.isArray(result);
      for (const { errors } of resultsOf(result)) {
        if (!errors) continue;
        for (const error of errors) trace.errorTypes.push(typeof error.extensions?.['type'] === 'string' ? error.extensions['type'] : UNTYPED_ERROR);
        logInternalErrors(trace, errors);
      }
    },
    onResponse({ request, response }) {
      const trace = traces.get(request);
      if (!trace) return;
      response.headers.set(REQUEST_ID_HEADER, trace.requestId);
      const { started, ...traced } = trace;
      const summary: RequestSummary = { ...traced, status: response.status, durationMs: elapsedMs(started) };
      logger.info('request', requestLogFields(summary));
      observe?.(summary);
    },
  };
}

/** The line's fields: a batch lists each operation's name and type; a single operation gives them as strings. */
function requestLogFields(summary: RequestSummary): Record<string, unknown> {
  const { operations, batch } = summary;
  const names = operations.map((operation) => operation.name);
  const types = operations.map((operation) => operation.type);
  return {
    requestId: summary.requestId,
    method: summary.method,
    path: summary.path,
    ...(operations.length ? { operationName: batch ? names : names[0], operationType: batch ? types : types[0] } : {}),
    callerKind: summary.callerKind,
    status: summary.status,
    durationMs: summary.durationMs,
    errorTypes: [...new Set(summary.errorTypes)],
  };
}
