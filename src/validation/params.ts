import { AppwriteError } from '../errors/appwrite-error.ts';
import { checkString, type ValueCheck } from './values.ts';

/**
 * Appwrite's parameter errors: a malformed parameter is `general_argument_invalid`, with a message naming the
 * parameter and the rule its validator describes.
 */

export function invalidParam(name: string, description: string): AppwriteError {
  return new AppwriteError('general_argument_invalid', `Invalid \`${name}\` param: ${description}`);
}

/** The checked value, or the parameter error naming `name`. */
export function param<T>(name: string, check: ValueCheck<T>): T {
  if (!check.ok) throw invalidParam(name, check.description);
  return check.value;
}

// Appwrite's Text(128) validator with a minimum of 1, as databases and collections use for their names.
const MAX_NAME_LENGTH = 128;
const NAME_RULE = `Value must be a valid string and at least 1 chars and no longer than ${MAX_NAME_LENGTH} chars`;

/** A database or collection name. */
export function validateName(name: unknown): string {
  const check = checkString(name, MAX_NAME_LENGTH);
  if (!check.ok || check.value === '') throw invalidParam('name', NAME_RULE);
  return check.value;
}
