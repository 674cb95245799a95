import type { AttributeDef, CollectionShape } from '../documents/model.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { checkValue } from './values.ts';

/**
 * The `data` of a document write, checked against the collection's attributes the way Appwrite's Structure
 * validator does, with its messages, and normalized for storage (see values.ts).
 */

export type DocumentWriteMode = 'create' | 'update';

/** System fields clients echo back from documents they read; Appwrite drops them from written data. */
const ECHOED_SYSTEM_KEYS = new Set(['$id', '$permissions', '$createdAt', '$updatedAt', '$sequence', '$collectionId', '$databaseId']);

function invalidStructure(problem: string): AppwriteError {
  return new AppwriteError('document_invalid_structure', `Invalid document structure: ${problem}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Appwrite says "format" for attributes it stores with one: numeric ranges, email, enum, url, ip. */
function ruleLabel(attribute: AttributeDef): 'format' | 'type' {
  return attribute.format !== '' || attribute.type === 'integer' || attribute.type === 'double' ? 'format' : 'type';
}

function checkedScalar(attribute: AttributeDef, name: string, value: unknown): unknown {
  const check = checkValue(attribute, value);
  if (!check.ok) throw invalidStructure(`Attribute "${name}" has invalid ${ruleLabel(attribute)}. ${check.description}`);
  return check.value;
}

/** A given value, normalized; null (an optional attribute left empty) stays null. */
function checkedValue(attribute: AttributeDef, value: unknown): unknown {
  if (value === null) return null;
  if (!attribute.array) return checkedScalar(attribute, attribute.key, value);
  if (!Array.isArray(value)) throw invalidStructure(`Attribute "${attribute.key}" must be an array`);
  return value.map((element: unknown, index) => checkedScalar(attribute, `${attribute.key}['${index}']`, element));
}

/**
 * The attribute values to store, by attribute key. On create every writable attribute gets a value (its
 * default, or null, when not given); on update only the given ones. Only available attributes are writable:
 * others are unknown, as in Appwrite, where an attribute joins the collection's schema once its column exists.
 */
export function validateDocumentData(collection: CollectionShape, data: unknown, mode: DocumentWriteMode): Map<string, unknown> {
  if (!isPlainObject(data)) throw invalidStructure('Document data must be an object');
  if (mode === 'create' && Object.keys(data).length === 0) {
    throw new AppwriteError('document_missing_data', 'The document data is missing. Try again with document data populated');
  }
  // A Map, not the object: attribute keys such as "constructor" must not find inherited properties.
  const given = new Map(Object.entries(data).filter(([key, value]) => value !== undefined && !ECHOED_SYSTEM_KEYS.has(key)));
  const writable = collection.attributes.filter((attribute) => attribute.status === 'available');
  const writableByKey = new Map(writable.map((attribute) => [attribute.key, attribute]));

  // Same order as Appwrite: missing required attributes, then unknown ones, then values in the order given.
  for (const attribute of writable) {
    const appliesHere = mode === 'create' || given.has(attribute.key);
    if (attribute.required && appliesHere && (given.get(attribute.key) ?? null) === null) {
      throw invalidStructure(`Missing required attribute "${attribute.key}"`);
    }
  }
  const assignments = [...given].map(([key, value]) => {
    const attribute = writableByKey.get(key);
    if (!attribute) throw invalidStructure(`Unknown attribute: "${key}"`);
    return { attribute, value };
  });

  const values = new Map(assignments.map(({ attribute, value }) => [attribute.key, checkedValue(attribute, value)]));
  if (mode === 'create') {
    for (const attribute of writable) {
      if (!values.has(attribute.key)) values.set(attribute.key, attribute.default ?? null);
    }
  }
  return values;
}
