import {
  getNamedType,
  getNullableType,
  getOperationAST,
  isCompositeType,
  isListType,
  isObjectType,
  isUnionType,
  Kind,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_LIST_LIMIT, firstLimit } from '../documents/queries/parse.ts';

/**
 * Appwrite's query complexity: webonyx/graphql-php's QueryComplexity rule with Appwrite's weighing of lists.
 * - A field costs 1 plus the cost of its selection (a leaf costs 1).
 * - A list field (see listFieldsOf) costs its selection's cost times its page size: the first `limit` query of its
 *   `queries` argument, 25 without one (or when the queries are malformed: the list refuses them).
 * - Fragments, named or inline, cost their fields where they are spread. The inline fragments of an abstract type
 *   are summed, not maxed, as webonyx does: every field asked for is counted, whatever type the value turns out.
 * - `__typename`, `__schema` and `__type` are free (Appwrite's introspection query must fit any limit), as are
 *   selections skipped by @skip / @include, which never run.
 *
 * `queries` and the directives' conditions may be variables, so the cost depends on the request: an operation is
 * planned once (cached with its parsed document) into a CostPlan, a number where nothing depends on variables, and
 * each request evaluates that plan with its variables.
 */

/** A variable read per request, with the default its definition gives. */
interface VariableRef {
  variable: string;
  fallback: unknown;
}

/** A list's `queries` as written: the whole list from a variable, or items that are literals or variables. */
type QueriesSource = VariableRef | readonly (string | VariableRef)[];

/** The cost of a selection: a number, or what to compute from the request's variables. */
export type CostPlan = number | VariableCost;

type VariableCost =
  | { sum: readonly CostPlan[] }
  | { each: CostPlan; times: number | QueriesSource }
  | { then: CostPlan; unless: VariableRef; equals: boolean };

const listFieldSets = new WeakMap<GraphQLSchema, ReadonlySet<GraphQLField<unknown, unknown>>>();

/**
 * The list operations: Query fields with a `queries` list argument that return a page (an object with a list of
 * objects or unions: `DocumentList.documents`, `AttributeList.attributes`, …). Appwrite weighs every field with
 * `queries` so, `databasesGetDocument` (whose queries only select) and the bulk mutations too; here only lists.
 */
export function listFieldsOf(schema: GraphQLSchema): ReadonlySet<GraphQLField<unknown, unknown>> {
  let fields = listFieldSets.get(schema);
  if (!fields) {
    const isList = (type: GraphQLType) => isListType(getNullableType(type));
    const isPage = (type: GraphQLNamedType) =>
      isObjectType(type) && Object.values(type.getFields()).some((field) => isList(field.type) && isCompositeType(getNamedType(field.type)));
    const queryFields = Object.values(schema.getQueryType()?.getFields() ?? {});
    fields = new Set(queryFields.filter((field) => field.args.some((arg) => arg.name === 'queries' && isList(arg.type)) && isPage(getNamedType(field.type))));
    listFieldSets.set(schema, fields);
  }
  return fields;
}

/** Plans by operation: Yoga reuses a document's AST for every request with the same text, so this cache hits too. */
const plans = new WeakMap<OperationDefinitionNode, CostPlan>();

/**
 * The plan of the operation `operationName` of a validated document (0 when the document has no such operation:
 * execution refuses it). One document is validated against one schema, which is why the schema is no cache key.
 */
export function planOperation(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): CostPlan {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  let plan = plans.get(operation);
  if (plan === undefined) {
    plan = new Planner(schema, document, operation).selections(schema.getRootType(operation.operation)!, operation.selectionSet);
    plans.set(operation, plan);
  }
  return plan;
}

class Planner {
  private readonly listFields: ReadonlySet<GraphQLField<unknown, unknown>>;
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  /** Fragment plans, shared by every spread: planning stays linear in the document however often they are spread. */
  private readonly fragmentPlans = new Map<string, CostPlan>();
  private readonly defaults = new Map<string, unknown>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
  ) {
    this.listFields = listFieldsOf(schema);
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
    for (const definition of operation.variableDefinitions ?? []) {
      if (definition.defaultValue) this.defaults.set(definition.variable.name.value, valueFromASTUntyped(definition.defaultValue));
    }
  }

  selections(parent: GraphQLCompositeType, set: SelectionSetNode): CostPlan {
    return sum(set.selections.map((selection) => this.conditional(selection.directives, this.selection(parent, selection))));
  }

  private selection(parent: GraphQLCompositeType, selection: SelectionNode): CostPlan {
    switch (selection.kind) {
      case Kind.FIELD:
        return this.field(parent, selection);
      case Kind.INLINE_FRAGMENT: {
        const type = selection.typeCondition ? (this.schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : parent;
        return this.selections(type, selection.selectionSet);
      }
      case Kind.FRAGMENT_SPREAD:
        return this.fragment(selection.name.value);
    }
  }

  private fragment(name: string): CostPlan {
    let plan = this.fragmentPlans.get(name);
    if (plan === undefined) {
      // Validation refuses unknown fragments and cycles.
      const fragment = this.fragments.get(name)!;
      plan = this.selections(this.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType, fragment.selectionSet);
      this.fragmentPlans.set(name, plan);
    }
    return plan;
  }

  private field(parent: GraphQLCompositeType, node: FieldNode): CostPlan {
    // __typename and the introspection entry points; a union has no other fields.
    if (node.name.value.startsWith('__') || isUnionType(parent)) return 0;
    if (!node.selectionSet) return 1;
    const definition = parent.getFields()[node.name.value]!;
    const children = this.selections(getNamedType(definition.type) as GraphQLCompositeType, node.selectionSet);
    if (!this.listFields.has(definition)) return sum([1, children]);
    const queries = node.arguments?.find((argument) => argument.name.value === 'queries');
    return times(children, queries ? this.queries(queries.value) : DEFAULT_LIST_LIMIT);
  }

  /** The page size when the document fixes it, else where to read it per request. */
  private queries(value: ValueNode): number | QueriesSource {
    if (value.kind === Kind.VARIABLE) return this.variable(value.name.value);
    // A single value stands for a list of one (GraphQL's input coercion).
    const items = value.kind === Kind.LIST ? value.values : [value];
    const source = items.flatMap((item): (string | VariableRef)[] => (item.kind === Kind.STRING ? [item.value] : item.kind === Kind.VARIABLE ? [this.variable(item.name.value)] : []));
    return source.every((item) => typeof item === 'string') ? limitOf(source) : source;
  }

  private variable(name: string): VariableRef {
    return { variable: name, fallback: this.defaults.get(name) };
  }

  /** `cost` unless @skip / @include leave the selection out; decided here for literals, per request for variables. */
  private conditional(directives: readonly DirectiveNode[] | undefined, cost: CostPlan): CostPlan {
    let plan = cost;
    for (const directive of directives ?? []) {
      const skip = directive.name.value === 'skip';
      if (!skip && directive.name.value !== 'include') continue;
      const condition = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
      if (condition?.kind === Kind.BOOLEAN) {
        if (condition.value === skip) return 0;
      } else if (condition?.kind === Kind.VARIABLE && plan !== 0) {
        plan = { then: plan, unless: this.variable(condition.name.value), equals: skip };
      }
    }
    return plan;
  }
}

/** Numbers added up now, so that a selection without variables is one number. */
function sum(parts: readonly CostPlan[]): CostPlan {
  let constant = 0;
  const variable: CostPlan[] = [];
  for (const part of parts) {
    if (typeof part === 'number') constant += part;
    else variable.push(part);
  }
  if (variable.length === 0) return constant;
  if (constant === 0 && variable.length === 1) return variable[0]!;
  return { sum: constant === 0 ? variable : [constant, ...variable] };
}

function times(each: CostPlan, limit: number | QueriesSource): CostPlan {
  return typeof each === 'number' && typeof limit === 'number' ? each * limit : { each, times: limit };
}

const limitOf = (queries: readonly unknown[]): number => firstLimit(queries.filter((query) => typeof query === 'string')) ?? DEFAULT_LIST_LIMIT;

/** The operation's cost for this request's variables (raw, as sent: execution coerces them later). */
export function operationCost(plan: CostPlan, variables: Readonly<Record<string, unknown>> | null | undefined): number {
  // Most operations depend on no variable: their plan is their cost, with nothing to set up per request.
  if (typeof plan === 'number') return plan;
  const valueOf = ({ variable, fallback }: VariableRef): unknown => (variables && Object.hasOwn(variables, variable) ? variables[variable] : fallback);
  const pageSize = (source: QueriesSource): number => {
    if ('variable' in source) {
      const value = valueOf(source);
      return limitOf(Array.isArray(value) ? value : value == null ? [] : [value]);
    }
    return limitOf(source.map((item) => (typeof item === 'string' ? item : valueOf(item))));
  };
  // A fragment's plan is shared by its spreads: each shared plan is computed once per request.
  const costs = new Map<VariableCost, number>();
  const cost = (plan: CostPlan): number => {
    if (typeof plan === 'number') return plan;
    let value = costs.get(plan);
    if (value === undefined) {
      if ('sum' in plan) value = plan.sum.reduce<number>((total, part) => total + cost(part), 0);
      else if ('each' in plan) value = cost(plan.each) * (typeof plan.times === 'number' ? plan.times : pageSize(plan.times));
      else value = valueOf(plan.unless) === plan.equals ? 0 : cost(plan.then);
      costs.set(plan, value);
    }
    return value;
  };
  return cost(plan);
}
