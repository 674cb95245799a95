import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { UploadedFile } from '../storage/uploads.ts';
import { INT64_MAX, INT64_MIN } from '../validation/values.ts';
import type { Builder } from './builder.ts';


function toInt64(value: unknown): bigint {
  let result: bigint;
  if (typeof value === 'bigint') result = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) result = BigInt(value);
  else if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) result = BigInt(value);
  else throw new GraphQLError(`Int64 cannot represent ${JSON.stringify(value)}: expected an integer (a number, or a string of digits)`);
  if (result < INT64_MIN || result > INT64_MAX) throw new GraphQLError(`Int64 cannot represent ${value}: outside the 64-bit range`);
  return result;
}

function literalValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.INT: {
      // An integer literal keeps all its digits (64-bit attributes); JSON variables are parsed before we see them.
      const value = Number(node.value);
      return Number.isSafeInteger(value) ? value : BigInt(node.value);
    }
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literalValue);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, literalValue(field.value)]));
    case Kind.VARIABLE:
      throw new GraphQLError('Json literals cannot contain variables');
  }
}

export function addScalars(builder: Builder): void {
  builder.scalarType('Json', {
    description: 'Any JSON value. Document data is a JSON object of attribute keys to values.',
    serialize: (value) => value,
    parseValue: (value) => value,
    parseLiteral: literalValue,
  });

  builder.scalarType('Int64', {
    description:
      'A 64-bit signed integer. Output as a JSON number when it is exactly representable in JavaScript (|n| ≤ 2^53 − 1), ' +
      'otherwise as a string of digits. Accepted as a number or a string of digits.',
    serialize: (value) => {
      const n = toInt64(value);
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
    },
    parseValue: toInt64,
    parseLiteral: (node) => {
      if (node.kind === Kind.INT || node.kind === Kind.STRING) return toInt64(node.kind === Kind.INT ? node.value : node.value);
      throw new GraphQLError('Int64 literals must be integers or strings of digits');
    },
  });

  builder.scalarType('InputFile', {
    description: 'A file sent with a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec).',
    serialize: () => {
      throw new GraphQLError('InputFile is an input-only scalar');
    },
    parseValue: (value) => {
      if (value instanceof UploadedFile) return value;
      throw new GraphQLError('InputFile must be a file sent with a multipart request');
    },
  });
}
