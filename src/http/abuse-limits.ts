import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { ASTVisitor, GraphQLError, ValidationContext } from 'graphql';
import type { GraphQLLimits } from '../config.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { operationCost, planOperation } from './cost-plan.ts';

/**
 * Refuses operations too costly to run, before anything executes: depth, aliases and directives in validation,
 * tokens while parsing, cost (Appwrite's complexity, which depends on the variables) as execution starts.
 * Refusals are Appwrite-typed GraphQL errors (code 400). Those of parsing and validation are part of their
 * result, so Yoga's parse and validation caches keep working: a document is checked once, and a refused one is
 * refused from the cache. The cost's plan is cached with the document too; each request only evaluates it.
 */

/** An envelop plugin, as graphql-armor makes them (Yoga takes them as they are). */
type EnvelopPlugin = ReturnType<typeof EnvelopArmorPlugin>;

/** graphql-armor's rejection callback: validation rules pass their context, the parser null. */
type Rejection = (context: ValidationContext | null, error: GraphQLError) => void;

/** Appwrite has no type of its own for these refusals; the request's `query` argument is what is invalid. */
function limitError(message: string): AppwriteError {
  // graphql-armor prefixes every refusal with "Syntax Error:", which none of them is.
  return new AppwriteError('general_argument_invalid', message.replace(/^Syntax Error: /, ''));
}

/** In validation: reported beside any other validation errors, instead of thrown out of the validation. */
const reportToValidation: { propagateOnRejection: false; onReject: Rejection[] } = {
  propagateOnRejection: false,
  onReject: [(context, error) => context?.reportError(limitError(error.message))],
};

/** While parsing there is no validation context to report to: the mapped error is thrown in place of armor's. */
const throwFromParser: Rejection = (_context, error) => {
  throw limitError(error.message);
};

/**
 * Appwrite counts depth below a top-level field, without leaves (`{ a { b { c } } }` is 1); graphql-armor counts
 * every field level, leaves included (3). Inline fragments and spreads add no level in either (flattened).
 */
const ARMOR_DEPTH_OFFSET = 2;

export function abuseLimitsPlugins(limits: GraphQLLimits): EnvelopPlugin[] {
  const armor = EnvelopArmorPlugin({
    // Hidden per caller instead (suggestions-filter.ts): armor's would hide them from API keys too.
    blockFieldSuggestion: { enabled: false },
    maxTokens: { n: limits.maxTokens, propagateOnRejection: true, onReject: [throwFromParser] },
    maxDirectives: { n: limits.maxDirectives, ...reportToValidation },
    maxAliases: { n: limits.maxAliases, ...reportToValidation },
    // Weighed as Appwrite does instead, by complexityLimitPlugin.
    costLimit: { enabled: false },
    maxDepth: {
      n: limits.maxDepth + ARMOR_DEPTH_OFFSET,
      flattenFragments: true,
      // armor's own message would state its count (limit + 2); this one states the configured limit.
      exposeLimits: false,
      errorMessage: `Query depth limit of ${limits.maxDepth} exceeded (levels below a top-level field).`,
      ...reportToValidation,
    },
  });
  const plugins = [armor, complexityLimitPlugin(limits.maxComplexity)];
  return limits.introspection ? plugins : [...plugins, noIntrospectionPlugin];
}

/**
 * Appwrite's complexity limit (cost-plan.ts), per operation (each of a batch alone) before any of its resolvers
 * run. Refused like a validation error: no data, HTTP 400 for application/graphql-response+json, 200 for
 * application/json (Yoga's `spec` convention).
 */
function complexityLimitPlugin(maxComplexity: number): EnvelopPlugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = operationCost(planOperation(args.schema, args.document, args.operationName), args.variableValues);
      if (cost <= maxComplexity) return;
      const message = `Max query complexity should be ${maxComplexity} but got ${cost}.`;
      setResultAndStopExecution({ errors: [new AppwriteError('general_argument_invalid', message, { http: { spec: true, status: 400 } })] });
    },
  };
}

/** The entry points to introspection; everything else of it is reached through them. `__typename` stays allowed. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * What graphql's NoSchemaIntrospectionCustomRule does, with one Appwrite-typed error per entry point instead of one
 * per introspection field. Named: Yoga's validation cache keys on rule names.
 */
function IntrospectionDisabledRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (INTROSPECTION_FIELDS.has(node.name.value)) context.reportError(limitError(`GraphQL introspection is disabled, but the query contained the field "${node.name.value}".`));
    },
  };
}

const noIntrospectionPlugin: EnvelopPlugin = {
  onValidate({ addValidationRule }) {
    addValidationRule(IntrospectionDisabledRule);
  },
};
