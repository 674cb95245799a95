import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
  type GraphQLArgument,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadRateLimitConfig } from '../../src/rate-limit/config.ts';
import { buildSchema } from '../../src/schema/schema.ts';

interface Described {
  /** Schema coordinate, e.g. `Query.usersGet(userId:)`. */
  path: string;
  name: string;
  description: string | null | undefined;
}

/** Every element of the schema that GraphiQL's docs pane and generated code show a description for. */
function describedElements(schema: GraphQLSchema): Described[] {
  const elements: Described[] = [];
  const add = (path: string, name: string, description: string | null | undefined) => elements.push({ path, name, description });
  const addArgs = (owner: string, args: readonly GraphQLArgument[]) => {
    for (const arg of args) add(`${owner}(${arg.name}:)`, arg.name, arg.description);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    add(type.name, type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        add(`${type.name}.${field.name}`, field.name, field.description);
        addArgs(`${type.name}.${field.name}`, field.args);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) add(`${type.name}.${field.name}`, field.name, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) add(`${type.name}.${value.name}`, value.name, value.description);
    }
  }
  for (const directive of schema.getDirectives()) {
    if (isSpecifiedDirective(directive)) continue;
    add(`@${directive.name}`, directive.name, directive.description);
    addArgs(`@${directive.name}`, directive.args);
  }
  return elements;
}

/** Why a description would tell a reader nothing; null when it is a real one. */
function placeholderReason({ name, description }: Described): string | null {
  const text = description?.trim() ?? '';
  if (text === '') return 'missing';
  if (text.toLowerCase() === name.toLowerCase()) return 'repeats the name';
  if (text.length < 8) return 'shorter than 8 characters';
  if (!/^[A-Z`]/.test(text)) return 'does not start with an upper-case letter or a backtick';
  return null;
}

describe('schema descriptions', () => {
  const schema = buildSchema(loadRateLimitConfig({}));
  const elements = describedElements(schema);

  it('covers types, fields, arguments, enum values and input fields', () => {
    // A guard that the walk reaches the schema at all (a broken walk would pass the next test vacuously).
    expect(elements.length).toBeGreaterThan(500);
    expect(elements.map((e) => e.path)).toEqual(expect.arrayContaining(['Query', 'Mutation.usersCreate', 'Mutation.usersCreate(userId:)', 'Int64']));
  });

  it('gives every element a real description', () => {
    const bad = elements.flatMap((element) => {
      const reason = placeholderReason(element);
      return reason === null ? [] : [`${element.path}: ${reason}`];
    });
    expect(bad, `elements without a real description:\n${bad.join('\n')}`).toEqual([]);
  });
});
