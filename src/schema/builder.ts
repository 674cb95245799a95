import SchemaBuilder, { type ArgBuilder as PothosArgBuilder } from '@pothos/core';
import type { UploadedFile } from '../storage/uploads.ts';
import type { GatewayContext } from './context.ts';

export interface GatewaySchemaTypes {
  Context: GatewayContext;
  Scalars: {
    Json: { Input: unknown; Output: unknown };
    Int64: { Input: bigint; Output: bigint | number | string };
    InputFile: { Input: UploadedFile; Output: never };
  };
}

export type Builder = PothosSchemaTypes.SchemaBuilder<PothosSchemaTypes.ExtendDefaultTypes<GatewaySchemaTypes>>;

/**
 * A fresh builder per schema build: the schema is rebuilt whenever it must change at run time (typed
 * per-collection types later), and a Pothos builder produces one schema.
 */
export function createBuilder(): Builder {
  return new SchemaBuilder<GatewaySchemaTypes>({});
}

export type Types = PothosSchemaTypes.ExtendDefaultTypes<GatewaySchemaTypes>;
export type ArgBuilder = PothosArgBuilder<Types>;
