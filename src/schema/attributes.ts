import { ATTRIBUTE_QUERY_FIELDS, attributeKind, createAttribute, deleteAttribute, getAttribute, listAttributes, updateAttribute, type AttributeKind } from '../metadata/attributes.ts';
import type { AttributeRecord } from '../metadata/records.ts';
import type { ArgBuilder, Builder } from './builder.ts';
import { addListType, authorize, collectionArgs, ID_RULE, listArgs, listed, queryableFields, statusOk } from './common.ts';
import type { StatusRef } from './refs.ts';

/**
 * Attributes: one GraphQL type per Appwrite attribute model (AttributeString, AttributeInteger, …), all
 * implementing the `Attribute` interface, and one create/update mutation per kind — all generated from the
 * KINDS table below so that the kinds cannot drift apart.
 */

type DefaultType = 'String' | 'Int64' | 'Float' | 'Boolean';

interface KindSpec {
  kind: AttributeKind;
  /** GraphQL type name and the Appwrite operation name part. */
  typeName: string;
  operation: string;
  defaultType: DefaultType;
  /** The kind with its article, for the mutations' descriptions: "an integer", "a URL". */
  named: string;
  description: string;
  /** Extra model fields and arguments. */
  size?: boolean;
  bounds?: 'Int64' | 'Float';
  elements?: boolean;
  format?: boolean;
}

const KINDS: KindSpec[] = [
  { kind: 'string', named: 'a string', typeName: 'AttributeString', operation: 'String', defaultType: 'String', size: true, description: 'A text attribute of bounded length.' },
  { kind: 'integer', named: 'an integer', typeName: 'AttributeInteger', operation: 'Integer', defaultType: 'Int64', bounds: 'Int64', description: 'A 64-bit integer attribute.' },
  { kind: 'float', named: 'a float', typeName: 'AttributeFloat', operation: 'Float', defaultType: 'Float', bounds: 'Float', description: 'A double-precision number attribute.' },
  { kind: 'boolean', named: 'a boolean', typeName: 'AttributeBoolean', operation: 'Boolean', defaultType: 'Boolean', description: 'A true/false attribute.' },
  { kind: 'email', named: 'an email', typeName: 'AttributeEmail', operation: 'Email', defaultType: 'String', format: true, description: 'An email address attribute.' },
  { kind: 'enum', named: 'an enum', typeName: 'AttributeEnum', operation: 'Enum', defaultType: 'String', format: true, elements: true, description: 'A text attribute limited to a list of elements.' },
  { kind: 'url', named: 'a URL', typeName: 'AttributeUrl', operation: 'Url', defaultType: 'String', format: true, description: 'A URL attribute.' },
  { kind: 'ip', named: 'an IP address', typeName: 'AttributeIp', operation: 'Ip', defaultType: 'String', format: true, description: 'An IPv4 or IPv6 address attribute.' },
  { kind: 'datetime', named: 'a datetime', typeName: 'AttributeDatetime', operation: 'Datetime', defaultType: 'String', format: true, description: 'An ISO 8601 datetime attribute, stored in UTC.' },
];

const TYPE_NAME_BY_KIND = new Map(KINDS.map((spec) => [spec.kind, spec.typeName]));

/** Datetime models report format "datetime"; string formats report theirs. */
const formatOf = (a: AttributeRecord) => (a.type === 'datetime' ? 'datetime' : a.format);

function kindArgs(arg: ArgBuilder, spec: KindSpec, mode: 'create' | 'update') {
  const creating = mode === 'create';
  // On update, a left-out (or null) setting keeps its current value, except `default`, which null clears.
  const keeps = creating ? '' : ' Omit (or null) to keep the current one.';
  return {
    ...collectionArgs(arg),
    key: arg.string({
      required: true,
      description: creating
        ? `Attribute key: ${ID_RULE}.`
        : 'Key of the attribute to update.',
    }),
    ...(spec.elements
      ? { elements: arg.stringList({ required: true, description: `${creating ? 'Allowed values' : 'The new list of allowed values'}: 1 to 100 distinct, non-empty strings of at most 255 chars.` }) }
      : {}),
    ...(spec.size
      ? {
          size: arg.int({
            required: creating,
            description: creating
              ? 'Maximum length in characters, 1 to 1073741824.'
              : `New maximum length in characters; shrinking fails (attribute_invalid_resize) while a value is longer.${keeps}`,
          }),
        }
      : {}),
    required: arg.boolean({ required: true, description: 'Whether every document must have a value.' }),
    ...(spec.bounds
      ? {
          min: arg({ type: spec.bounds, required: false, description: `Smallest value allowed (default: no lower bound).${keeps}` }),
          max: arg({ type: spec.bounds, required: false, description: `Largest value allowed (default: no upper bound).${keeps}` }),
        }
      : {}),
    default: arg({
      type: spec.defaultType,
      required: false,
      description: creating
        ? 'Value for documents that give none, written into existing documents too. Not allowed for required or array attributes.'
        : 'Value for documents that give none; existing documents keep theirs. Omit to keep the current default, null to remove it.',
    }),
    ...(creating ? { array: arg.boolean({ required: false, description: 'Whether the attribute holds a list of values (default false).' }) } : {}),
    ...(creating && spec.kind === 'string'
      ? { encrypt: arg.boolean({ required: false, description: 'Accepted for compatibility (needs a size of at least 150), but values are stored as given, not encrypted.' }) }
      : {}),
    ...(creating ? {} : { newKey: arg.string({ required: false, description: 'New key for the attribute (same rule as keys); indexes that use it follow.' }) }),
  };
}

export function addAttributeSchema(builder: Builder, refs: { Status: StatusRef }) {
  const Attribute = builder.interfaceRef<AttributeRecord>('Attribute').implement({
    description: 'An attribute of a collection: the typed fields its documents hold. Each kind is its own type with the fields of that kind.',
    resolveType: (attribute) => TYPE_NAME_BY_KIND.get(attributeKind(attribute))!,
    fields: (t) => ({
      key: t.exposeString('key', { description: 'Attribute key.' }),
      type: t.exposeString('type', { description: 'Stored type: string (also for email, enum, URL and IP attributes), integer, double, boolean or datetime.' }),
      status: t.exposeString('status', { description: 'Attribute status in Appwrite\'s terms (available, processing, deleting, stuck, failed); always "available" here, as attributes are created in the request.' }),
      error: t.exposeString('error', { description: 'Why creating or deleting the attribute failed; always empty here, as a failed change is refused in the request.' }),
      required: t.exposeBoolean('required', { description: 'Whether every document must have a value.' }),
      array: t.exposeBoolean('array', { description: 'Whether the attribute holds a list of values.' }),
      _createdAt: t.string({ description: 'Creation date in ISO 8601 format.', resolve: (a) => a.createdAt }),
      _updatedAt: t.string({ description: 'Update date in ISO 8601 format.', resolve: (a) => a.updatedAt }),
    }),
  });

  const typeRefs = new Map<AttributeKind, PothosSchemaTypes.ObjectRef<any, AttributeRecord>>();
  for (const spec of KINDS) {
    const ref = builder.objectRef<AttributeRecord>(spec.typeName);
    typeRefs.set(spec.kind, ref);
    ref.implement({
      description: spec.description,
      interfaces: [Attribute],
      fields: (t) => ({
        ...(spec.size ? { size: t.int({ description: 'Maximum length in characters.', resolve: (a) => a.size ?? 0 }) } : {}),
        ...(spec.kind === 'string' ? { encrypt: t.exposeBoolean('encrypt', { description: 'Whether encryption was requested at creation (values are stored as given all the same).' }) } : {}),
        ...(spec.bounds
          ? {
              min: t.field({ type: spec.bounds, nullable: true, description: 'Smallest value allowed; the type\'s own minimum when no bound was set.', resolve: (a) => a.min as never }),
              max: t.field({ type: spec.bounds, nullable: true, description: 'Largest value allowed; the type\'s own maximum when no bound was set.', resolve: (a) => a.max as never }),
            }
          : {}),
        ...(spec.elements ? { elements: t.stringList({ description: 'The values the attribute accepts.', resolve: (a) => a.elements ?? [] }) } : {}),
        ...(spec.format ? { format: t.string({ description: 'Value format: email, enum, url, ip or datetime.', resolve: formatOf }) } : {}),
        default: t.field({ type: spec.defaultType, nullable: true, description: 'Value for documents that give none; null when there is no default.', resolve: (a) => a.default as never }),
      }),
    });
  }

  const AttributeList = addListType(builder, 'AttributeList', 'attributes', Attribute);

  builder.queryFields((t) => ({
    databasesListAttributes: t.field({
      type: AttributeList,
      description: `List the attributes of a collection, filtered, sorted and paged by queries. ${queryableFields(ATTRIBUTE_QUERY_FIELDS)}`,
      args: { ...collectionArgs(t.arg), ...listArgs(t.arg) },
      resolve: async (_, args, context) => {
        const { rows, count } = await listAttributes(authorize(context, 'collections.read'), args.databaseId, args.collectionId, args.queries, context.services.config.maxListLimit);
        return listed(rows, count, context, args.total);
      },
    }),
    databasesGetAttribute: t.field({
      type: Attribute,
      description: 'Get an attribute by its key.',
      args: { ...collectionArgs(t.arg), key: t.arg.string({ required: true, description: 'Attribute key.' }) },
      resolve: (_, args, context) => getAttribute(authorize(context, 'collections.read'), args.databaseId, args.collectionId, args.key),
    }),
  }));

  builder.mutationFields((t) => {
    const fields: Record<string, ReturnType<typeof t.field>> = {};
    for (const spec of KINDS) {
      fields[`databasesCreate${spec.operation}Attribute`] = t.field({
        type: typeRefs.get(spec.kind)!,
        description: `Create ${spec.named} attribute. It is usable at once (status "available"), and a default is written into existing documents.`,
        args: kindArgs(t.arg, spec, 'create'),
        resolve: (_, args: Record<string, unknown>, context) =>
          createAttribute(authorize(context, 'collections.write'), args['databaseId'] as string, args['collectionId'] as string, {
            ...args,
            kind: spec.kind,
          } as never),
      });
      fields[`databasesUpdate${spec.operation}Attribute`] = t.field({
        type: typeRefs.get(spec.kind)!,
        description: `Update ${spec.named} attribute: its required flag, default${spec.bounds ? ', bounds' : ''}${spec.size ? ', size' : ''}${spec.elements ? ', elements' : ''} or key. A new default applies to new documents only.`,
        args: kindArgs(t.arg, spec, 'update'),
        resolve: (_, args: Record<string, unknown>, context) =>
          updateAttribute(authorize(context, 'collections.write'), args['databaseId'] as string, args['collectionId'] as string, args['key'] as string, {
            ...args,
            kind: spec.kind,
          } as never),
      });
    }
    fields['databasesDeleteAttribute'] = t.field({
      type: refs.Status,
      description: 'Delete an attribute with its values in every document. Indexes that use it must be deleted first (index_dependency).',
      args: { ...collectionArgs(t.arg), key: t.arg.string({ required: true, description: 'Attribute key.' }) },
      resolve: async (_, args, context) => {
        await deleteAttribute(authorize(context, 'collections.write'), args.databaseId, args.collectionId, args.key);
        return statusOk;
      },
    });
    return fields;
  });

  return { Attribute };
}
