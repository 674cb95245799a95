import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { DirectiveLocation, GraphQLDirective, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLString, type GraphQLFieldResolver } from 'graphql';
import type { RateLimit, RateLimitConfig } from './config.ts';
import { DEFAULT_RATE_LIMITS } from './defaults.ts';
import type { LimitedCall, RateLimiter } from './limiter.ts';

/**
 * `@rateLimit` on every write operation: this Pothos plugin gives each Mutation field its configured limit as
 * the directive (recorded by @pothos/plugin-directives, printed by printSchemaWithDirectives), as a sentence of
 * its description (introspection does not show applied directives), and as a resolver wrapper that asks the
 * request's RateLimiter before resolving. All of it at schema build; a request only pays the limiter call.
 */

export const RATE_LIMIT_DIRECTIVE = 'rateLimit';

export type RateLimitDirectiveArgs = {
  max: number;
  window: string;
  identityArgs?: string[];
};

export const rateLimitDirective = new GraphQLDirective({
  name: RATE_LIMIT_DIRECTIVE,
  description: 'At most `max` calls in any `window` (e.g. "60s", "1h") per client IP and user (or guest), or per value of `identityArgs` when given. Exceeding it: general_rate_limit_exceeded (429) with extensions.retryAfter in seconds.',
  locations: [DirectiveLocation.FIELD_DEFINITION],
  args: {
    max: { type: new GraphQLNonNull(GraphQLInt), description: 'Calls allowed within one window.' },
    window: { type: new GraphQLNonNull(GraphQLString), description: 'Length of the sliding window, from 1s to 7d: digits and a unit (ms, s, m, h or d), e.g. "60s".' },
    identityArgs: {
      type: new GraphQLList(new GraphQLNonNull(GraphQLString)),
      description: 'Arguments whose values count calls instead of the client, e.g. ["email"] for sign-in attempts per email.',
    },
  },
});

/** What a limited resolver's context must offer. */
export interface RateLimitedContext {
  services: { rateLimiter: RateLimiter };
}

/** "Rate limit: 120 requests per 60 s per IP and user (API keys exempt)." */
export function describeLimit(limit: RateLimit, exemptApiKeys: boolean): string {
  const [, amount, unit] = /^(\d+)(\D+)$/.exec(limit.window)!;
  const per = limit.identityArgs ? limit.identityArgs.join(' and ') : 'IP and user';
  return `Rate limit: ${limit.max} requests per ${amount} ${unit} per ${per}${exemptApiKeys ? ' (API keys exempt)' : ''}.`;
}

export class RateLimitPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    if (fieldConfig.kind !== 'Mutation') return fieldConfig;
    const limit = this.limitOf(fieldConfig.name);
    if (!limit) return fieldConfig;
    const args: RateLimitDirectiveArgs = { max: limit.max, window: limit.window, ...(limit.identityArgs ? { identityArgs: [...limit.identityArgs] } : {}) };
    return {
      ...fieldConfig,
      description: [fieldConfig.description, describeLimit(limit, this.config().exemptApiKeys)].filter(Boolean).join(' '),
      // In @graphql-tools' by-name form (printSchemaWithDirectives reads it); the directives plugin builds the AST
      // node from it and merges in a field's own `directives` option.
      extensions: { ...fieldConfig.extensions, directives: { [RATE_LIMIT_DIRECTIVE]: args } },
    };
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const limit = fieldConfig.kind === 'Mutation' ? this.limitOf(fieldConfig.name) : null;
    if (!limit) return resolver;
    return async (parent, args, context, info) => {
      const call = { parent, args, context, info } as LimitedCall;
      await (context as RateLimitedContext).services.rateLimiter.admit(limit, call);
      return resolver(parent, args, context, info);
    };
  }

  private config(): RateLimitConfig {
    const config = this.builder.options.rateLimits;
    if (!config) throw new Error('the rateLimit plugin needs the rateLimits builder option');
    return config;
  }

  /** The field's limit; null when configured off. A mutation missing from the defaults is a build error. */
  private limitOf(name: string): RateLimit | null {
    if (!Object.hasOwn(DEFAULT_RATE_LIMITS, name)) throw new Error(`mutation ${name} has no rate limit: add it to src/rate-limit/defaults.ts`);
    return this.config().limits.get(name) ?? null;
  }
}

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      rateLimit: RateLimitPlugin<Types>;
    }
    interface SchemaBuilderOptions<Types extends SchemaTypes> {
      rateLimits?: RateLimitConfig;
    }
  }
}

SchemaBuilder.registerPlugin(RATE_LIMIT_DIRECTIVE, RateLimitPlugin);
