import SchemaBuilder, { type ArgBuilder as PothosArgBuilder } from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import type { RateLimitConfig } from '../rate-limit/config.ts';
import { RATE_LIMIT_DIRECTIVE, type RateLimitDirectiveArgs } from '../rate-limit/directive.ts';
import type { UploadedFile } from '../storage/uploads.ts';
import type { GatewayContext } from './context.ts';

export interface GatewaySchemaTypes {
  Context: GatewayContext;
  Scalars: {
    Json: { Input: unknown; Output: unknown };
    Int64: { Input: bigint; Output: bigint | number | string };
    InputFile: { Input: UploadedFile; Output: never };
  };
  Directives: {
    rateLimit: { locations: 'FIELD_DEFINITION'; args: RateLimitDirectiveArgs };
  };
}

export type Builder = PothosSchemaTypes.SchemaBuilder<PothosSchemaTypes.ExtendDefaultTypes<GatewaySchemaTypes>>;

/**
 * A fresh builder per schema build: the schema is rebuilt whenever it must change at run time (typed
 * per-collection types later), and a Pothos builder produces one schema.
 */
export function createBuilder(rateLimits: RateLimitConfig): Builder {
  // Directives in extensions keyed by name, the form @graphql-tools (printSchemaWithDirectives) reads.
  return new SchemaBuilder<GatewaySchemaTypes>({
    plugins: [RATE_LIMIT_DIRECTIVE, DirectivesPlugin],
    directives: { useGraphQLToolsUnorderedDirectives: true },
    rateLimits,
  });
}

export type Types = PothosSchemaTypes.ExtendDefaultTypes<GatewaySchemaTypes>;
export type ArgBuilder = PothosArgBuilder<Types>;
