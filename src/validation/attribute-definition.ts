import type { AttributeDef, AttributeFormat, AttributeType } from '../documents/model.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { validateKey } from './ids.ts';
import { invalidParam, param } from './params.ts';
import { INT64_MAX, INT64_MIN, checkBoolean, checkDouble, checkInteger, checkString, checkValue, type ValueCheck, type ValueRules } from './values.ts';

/**
 * Parameters of the create/update attribute mutations, checked and normalized the way Appwrite's attribute
 * endpoints do. Malformed parameters are `general_argument_invalid` (Appwrite's parameter validators);
 * well-formed but inconsistent ones are `attribute_value_invalid` / `attribute_default_unsupported`.
 */

export type AttributeKind = 'string' | 'integer' | 'float' | 'boolean' | 'datetime' | 'email' | 'enum' | 'url' | 'ip';

/**
 * The parameters as given. Those a client can send as raw JSON (createCollection's `attributes`) are
 * `unknown`: their types are checked here, not trusted.
 */
export interface AttributeInput {
  kind: AttributeKind;
  /** The attribute's key; on update, its current key. */
  key: unknown;
  /** Update only: the key to rename the attribute to. */
  newKey?: string | null;
  /** A boolean; absent means false. */
  required: unknown;
  /** Create only, a boolean (absent: false): an update keeps the existing attribute's flag. */
  array?: unknown;
  /** String only: maximum length in chars; on update, null keeps the current size. */
  size?: unknown;
  /** Integer and float only; on update, null keeps the current bound. */
  min?: unknown;
  max?: unknown;
  default?: unknown;
  /** Enum only, a list of strings; on update, null keeps the current elements. */
  elements?: unknown;
  /** String only, a boolean (absent: false). */
  encrypt?: unknown;
}

/**
 * An attribute definition ready to store: everything of AttributeDef but what storage assigns, plus the
 * create-time `encrypt` flag (AttributeDef does not keep it; an update reports false).
 */
export type NormalizedAttribute = Omit<AttributeDef, 'sequence' | 'status'> & { encrypt: boolean };

// Appwrite's constants: APP_DATABASE_ATTRIBUTE_STRING_MAX_LENGTH, APP_DATABASE_ENCRYPT_SIZE_MIN,
// APP_LIMIT_ARRAY_PARAMS_SIZE and Database::LENGTH_KEY (the limits of enum elements).
const MAX_STRING_SIZE = 1_073_741_824n;
const MIN_ENCRYPTED_SIZE = 150;
const MAX_ENUM_ELEMENTS = 100;
const MAX_ENUM_ELEMENT_LENGTH = 255;
// Appwrite's description of its `elements` validator (an ArrayList of Text), typo included.
const ELEMENTS_RULE = `Value must a valid array no longer than ${MAX_ENUM_ELEMENTS} items and Value must be a valid string and no longer than ${MAX_ENUM_ELEMENT_LENGTH} chars`;

/** How each kind is stored; formatted strings have the fixed sizes Appwrite gives them. */
const STORAGE: Record<AttributeKind, { type: AttributeType; format: AttributeFormat; size: number | null }> = {
  string: { type: 'string', format: '', size: null },
  integer: { type: 'integer', format: '', size: null },
  float: { type: 'double', format: '', size: null },
  boolean: { type: 'boolean', format: '', size: null },
  datetime: { type: 'datetime', format: '', size: null },
  email: { type: 'string', format: 'email', size: 254 },
  enum: { type: 'string', format: 'enum', size: MAX_ENUM_ELEMENT_LENGTH },
  url: { type: 'string', format: 'url', size: 2000 },
  ip: { type: 'string', format: 'ip', size: 39 },
};

/** A boolean parameter that may be left out. */
function flag(name: string, value: unknown): boolean {
  return value === null || value === undefined ? false : param(name, checkBoolean(value));
}

function sizeOf(input: AttributeInput, existing: AttributeDef | undefined): number | null {
  if (input.kind !== 'string') return STORAGE[input.kind].size;
  const size = input.size ?? existing?.size;
  if (size === null || size === undefined) throw new AppwriteError('general_argument_invalid', 'Param "size" is not optional.');
  return Number(param('size', checkInteger(size, 1n, MAX_STRING_SIZE)));
}

/** Given bounds, else the existing attribute's, else the widest: `check` validates and converts each. */
function boundsOf<T extends bigint | number>(
  input: AttributeInput,
  existing: AttributeDef | undefined,
  check: (value: unknown) => ValueCheck<T>,
  widest: { min: T; max: T },
): { min: T; max: T } {
  const bound = (name: 'min' | 'max'): T => {
    const value = input[name] ?? existing?.[name];
    return value === null || value === undefined ? widest[name] : param(name, check(value));
  };
  const bounds = { min: bound('min'), max: bound('max') };
  if (bounds.min > bounds.max) throw new AppwriteError('attribute_value_invalid', 'Minimum value must be lesser than maximum value');
  return bounds;
}

function numericBoundsOf(input: AttributeInput, existing: AttributeDef | undefined): Pick<ValueRules, 'min' | 'max'> {
  switch (input.kind) {
    case 'integer':
      return boundsOf(input, existing, checkInteger, { min: INT64_MIN, max: INT64_MAX });
    case 'float':
      return boundsOf(input, existing, checkDouble, { min: -Number.MAX_VALUE, max: Number.MAX_VALUE });
    default:
      return { min: null, max: null };
  }
}

const isElementList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length <= MAX_ENUM_ELEMENTS && value.every((element) => checkString(element, MAX_ENUM_ELEMENT_LENGTH).ok);

function elementsOf(input: AttributeInput, existing: AttributeDef | undefined): string[] | null {
  if (input.kind !== 'enum') return null;
  const elements = input.elements ?? existing?.elements ?? [];
  if (!isElementList(elements)) throw invalidParam('elements', ELEMENTS_RULE);
  if (elements.length === 0) throw new AppwriteError('attribute_value_invalid', 'Enum elements must not be empty');
  if (elements.includes('')) throw new AppwriteError('attribute_value_invalid', 'Each enum element must not be empty');
  if (new Set(elements).size !== elements.length) throw new AppwriteError('attribute_value_invalid', 'Enum elements must be unique');
  return [...elements];
}

/** The default normalized like a stored value; null when none. */
function defaultOf(input: AttributeInput, rules: ValueRules): unknown {
  if (input.default === null || input.default === undefined) return null;
  const check = checkValue(rules, input.default);
  if (check.ok) return check.value;
  // Appwrite validates the shape of `default` as a parameter, and its fit (size, bounds, elements) in the action.
  if (check.failure === 'type') throw invalidParam('default', check.description);
  throw new AppwriteError('attribute_value_invalid', rules.format === 'enum' ? 'Default value not found in elements' : check.description);
}

/**
 * The attribute the mutation describes. For an update, `existing` supplies what the update leaves out
 * (array flag, size, bounds, elements); the caller has already checked that the kind matches it.
 */
export function validateAttributeDefinition(input: AttributeInput, existing?: AttributeDef): NormalizedAttribute {
  const key = validateKey(input.key, 'key');
  const newKey = input.newKey === null || input.newKey === undefined ? null : validateKey(input.newKey, 'newKey');
  const required = flag('required', input.required);
  const { type, format } = STORAGE[input.kind];
  const rules: ValueRules = {
    type,
    format,
    size: sizeOf(input, existing),
    ...numericBoundsOf(input, existing),
    elements: elementsOf(input, existing),
  };
  const defaultValue = defaultOf(input, rules);

  const encrypt = flag('encrypt', input.encrypt) && input.kind === 'string';
  if (encrypt && (rules.size ?? 0) < MIN_ENCRYPTED_SIZE) {
    throw new AppwriteError('general_bad_request', `Size too small. Encrypted strings require a minimum size of ${MIN_ENCRYPTED_SIZE} characters.`);
  }

  const array = existing ? existing.array : flag('array', input.array);
  if (defaultValue !== null && required) {
    throw new AppwriteError('attribute_default_unsupported', 'Cannot set default value for required attribute');
  }
  if (defaultValue !== null && array) {
    throw new AppwriteError('attribute_default_unsupported', 'Cannot set default value for array attributes');
  }

  return { key: newKey ?? key, ...rules, required, array, default: defaultValue, encrypt };
}
