import { createHash, timingSafeEqual } from 'node:crypto';
import { getOperationAST, Kind, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { createCounter, createHistogram, usePrometheus, type FillLabelsFnParams } from '@graphql-yoga/plugin-prometheus';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { ERROR_TYPES } from '../errors/types.ts';
import { bearerToken } from '../http/caller-resolver.ts';
import type { MetricsConfig } from './metrics-config.ts';
import { UNTYPED_ERROR, type RequestSummary } from './request-log-plugin.ts';

/**
 * Prometheus metrics (METRICS_ENABLED=true), in a registry of this gateway's own: several gateways in one process
 * (tests, embedding) do not share counters. Labels are bounded by the schema, never taken from what a client
 * names: an operation is labelled by its root field (`multiple` when it selects several, `unknown` for a name
 * the schema does not have), not by its client-chosen operation name.
 */

const OPERATION_LABELS = ['operationType', 'rootField'] as const;
type OperationLabel = (typeof OPERATION_LABELS)[number];

/** An operation selecting several root fields (or selecting through a fragment). */
const MULTIPLE = 'multiple';
const UNKNOWN = 'unknown';
/** An error with a type the gateway does not know. */
const OTHER_ERROR = 'other';

function rootFieldNames(schema: GraphQLSchema): ReadonlySet<string> {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  return new Set(['__typename', '__schema', '__type', ...roots.flatMap((root) => (root ? Object.keys(root.getFields()) : []))]);
}

function operationLabeller(schema: GraphQLSchema): (params: FillLabelsFnParams) => Record<OperationLabel, string> {
  const known = rootFieldNames(schema);
  const rootField = (document: DocumentNode | undefined, operationName: string | undefined): string => {
    // Envelop passes 'Anonymous' for an operation without a name.
    const operation = document && (getOperationAST(document, operationName) ?? getOperationAST(document));
    if (!operation) return UNKNOWN;
    const names = new Set<string>();
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) return MULTIPLE;
      names.add(selection.name.value);
    }
    if (names.size !== 1) return MULTIPLE;
    const [name] = names as Set<string>;
    return known.has(name!) ? name! : UNKNOWN;
  };
  return (params) => ({ operationType: params.operationType ?? UNKNOWN, rootField: rootField(params.document, params.operationName) });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly errors = new Counter({
    name: 'gateway_graphql_errors_total',
    help: 'Errors in GraphQL answers, by Appwrite error type (extensions.type; "untyped" without one)',
    labelNames: ['type'],
    registers: [this.registry],
  });
  private readonly rateLimitRejections = new Counter({
    name: 'gateway_rate_limit_rejections_total',
    help: 'Calls refused by a @rateLimit (general_rate_limit_exceeded), by field',
    labelNames: ['field'],
    registers: [this.registry],
  });

  constructor(
    private readonly config: MetricsConfig,
    private readonly schema: GraphQLSchema,
  ) {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The Yoga plugins: the endpoint, then the operation counters and histograms. */
  plugins(): Plugin[] {
    const registry = this.registry;
    const labels = operationLabeller(this.schema);
    return [
      this.endpointPlugin(),
      usePrometheus({
        registry,
        endpoint: false,
        metrics: {
          graphql_envelop_request: createCounter({
            registry,
            counter: { name: 'gateway_graphql_operations_total', help: 'GraphQL operations executed', labelNames: OPERATION_LABELS },
            fillLabelsFn: labels,
          }),
          graphql_envelop_request_duration: createHistogram({
            registry,
            histogram: { name: 'gateway_graphql_operation_duration_seconds', help: 'Time executing a GraphQL operation', labelNames: OPERATION_LABELS },
            fillLabelsFn: labels,
          }),
          graphql_yoga_http_duration: createHistogram({
            registry,
            histogram: {
              name: 'gateway_http_request_duration_seconds',
              help: 'Time answering an HTTP request that carried a GraphQL operation (a batch: labelled by its last)',
              labelNames: ['method', 'statusCode', ...OPERATION_LABELS],
            },
            fillLabelsFn: (params, { request, response }) => ({ method: request.method, statusCode: response.status, ...labels(params) }),
          }),
          graphql_envelop_deprecated_field: false,
          graphql_envelop_request_time_summary: false,
          graphql_envelop_phase_parse: false,
          graphql_envelop_phase_validate: false,
          graphql_envelop_phase_context: false,
          graphql_envelop_phase_execute: false,
          graphql_envelop_phase_subscribe: false,
          graphql_envelop_error_result: false,
          graphql_envelop_schema_change: false,
          graphql_envelop_execute_resolver: false,
        },
      }),
    ];
  }

  /** Counted from the request log's summary: it sees every error of the answer, request-level ones included. */
  observe(summary: RequestSummary): void {
    for (const type of summary.errorTypes) this.errors.inc({ type: Object.hasOwn(ERROR_TYPES, type) || type === UNTYPED_ERROR ? type : OTHER_ERROR });
  }

  rateLimitRejected(field: string): void {
    this.rateLimitRejections.inc({ field });
  }

  /** GET METRICS_PATH, with `Authorization: Bearer <METRICS_TOKEN>` when a token is configured. */
  private endpointPlugin(): Plugin {
    const { path, token } = this.config;
    const tokenHash = token === null ? null : sha256(token);
    const authorized = (request: Request) => {
      if (tokenHash === null) return true;
      const presented = bearerToken(request.headers);
      return presented !== null && timingSafeEqual(sha256(presented), tokenHash);
    };
    return {
      onRequest: async ({ request, url, endResponse }) => {
        if (url.pathname !== path) return;
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          endResponse(new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        } else if (!authorized(request)) {
          endResponse(new Response('Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n', { status: 401, headers: { 'www-authenticate': 'Bearer' } }));
        } else {
          endResponse(new Response(request.method === 'HEAD' ? null : await this.registry.metrics(), { headers: { 'content-type': this.registry.contentType } }));
        }
      },
    };
  }
}
