import type { IndexRecord, AttributeRecord } from '../metadata/records.ts';
import type { StatusShape } from './common.ts';

/** Types one domain file defines and others use; handed along while the schema is built. */
export type StatusRef = PothosSchemaTypes.ObjectRef<any, StatusShape>;

export interface SchemaRefs {
  Status: StatusRef;
  Attribute: PothosSchemaTypes.InterfaceRef<any, AttributeRecord>;
  Index: PothosSchemaTypes.ObjectRef<any, IndexRecord>;
}
