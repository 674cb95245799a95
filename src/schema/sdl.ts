import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { loadRateLimitConfig } from '../rate-limit/config.ts';
import { buildSchema } from './schema.ts';

/**
 * The gateway's SDL as committed in schema.graphql: default rate limits (an empty environment, so a local
 * RATE_LIMITS does not leak into the artifact), types in lexicographic order (buildSchema sorts), and the
 * directives — @rateLimit on every write — printed where they are used.
 */
export function printGatewaySchema(): string {
  return `${printSchemaWithDirectives(buildSchema(loadRateLimitConfig({})))}\n`;
}
