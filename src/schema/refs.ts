import type { MembershipRecord, UserRecord } from '../identity/records.ts';
import type { IndexRecord, AttributeRecord } from '../metadata/records.ts';
import type { Listed, StatusShape } from './common.ts';

/** Types one domain file defines and others use; handed along while the schema is built. */
export type StatusRef = PothosSchemaTypes.ObjectRef<any, StatusShape>;
export type UserRef = PothosSchemaTypes.ObjectRef<any, UserRecord>;
export type PreferencesRef = PothosSchemaTypes.ObjectRef<any, object>;
export type MembershipListRef = PothosSchemaTypes.ObjectRef<any, Listed<MembershipRecord>>;

export interface SchemaRefs {
  Status: StatusRef;
  Attribute: PothosSchemaTypes.InterfaceRef<any, AttributeRecord>;
  Index: PothosSchemaTypes.ObjectRef<any, IndexRecord>;
  User: UserRef;
}
