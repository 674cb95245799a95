import { randomInt } from 'node:crypto';
import { invalidParam } from './params.ts';

/**
 * Client-chosen identifiers. Appwrite's UID (resource IDs) and Key (attribute and index keys) validators share
 * one rule: 1 to 36 chars of a-z A-Z 0-9 . - _, not starting with . - _ (nor $, which Appwrite reserves for
 * system fields). They differ only in their messages, kept verbatim (the UID one predates . and - being valid).
 */

/** The rule as a regex source without anchors, for patterns that embed IDs (e.g. roles like `user:ID`). */
export const ID_PATTERN_SOURCE = '[A-Za-z0-9][A-Za-z0-9._-]{0,35}';
const VALID_ID = new RegExp(`^${ID_PATTERN_SOURCE}$`);
export const UID_RULE = "UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore";
const KEY_RULE = "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char";

/** The placeholder clients send (`ID.unique()`) to let the server choose the ID. */
const UNIQUE_ID_PLACEHOLDER = 'unique()';

const RANDOM_HEX_CHARS = 7;
let lastIssuedMicros = 0;

/**
 * A fresh ID in Appwrite's format (PHP `uniqid()` plus random padding): 8 hex chars of seconds, 5 of
 * microseconds, 7 random. The time part never repeats within the process (it advances by at least one
 * microsecond per ID), so IDs are unique here and sort by creation; the random part separates processes.
 */
export function uniqueId(): string {
  lastIssuedMicros = Math.max(Date.now() * 1000, lastIssuedMicros + 1);
  const seconds = Math.floor(lastIssuedMicros / 1_000_000);
  const micros = lastIssuedMicros % 1_000_000;
  const random = randomInt(16 ** RANDOM_HEX_CHARS);
  return (
    seconds.toString(16).padStart(8, '0') +
    micros.toString(16).padStart(5, '0') +
    random.toString(16).padStart(RANDOM_HEX_CHARS, '0')
  );
}

/** Also refuses non-strings: JSON parameters reach here unchecked, and a regex would test `String(input)`. */
export const isValidId = (input: unknown): input is string => typeof input === 'string' && VALID_ID.test(input);

/** An ID that must already follow the rule (e.g. to address an existing resource). */
export function validateId(input: unknown, what: string): string {
  if (!isValidId(input)) throw invalidParam(what, UID_RULE);
  return input;
}

/** A custom ID for a new resource: `unique()` becomes a fresh ID, anything else must follow the rule. */
export function resolveId(input: string, what: string): string {
  return input === UNIQUE_ID_PLACEHOLDER ? uniqueId() : validateId(input, what);
}

/** An attribute or index key. */
export function validateKey(key: unknown, what: string): string {
  if (!isValidId(key)) throw invalidParam(what, KEY_RULE);
  return key;
}
