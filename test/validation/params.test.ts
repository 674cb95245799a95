import { describe, expect, it } from 'vitest';
import { invalidParam, param, validateName } from '../../src/validation/params.ts';
import { checkInteger } from '../../src/validation/values.ts';
import { appwriteError } from './appwrite-error-matcher.ts';

const NAME_RULE = 'Invalid `name` param: Value must be a valid string and at least 1 chars and no longer than 128 chars';

describe('invalidParam and param', () => {
  it('name the parameter and its rule', () => {
    expect(invalidParam('size', 'Value must be a valid integer')).toEqual(appwriteError('general_argument_invalid', 'Invalid `size` param: Value must be a valid integer'));
    expect(param('size', checkInteger(3))).toBe(3n);
    expect(() => param('size', checkInteger('3'))).toThrow(appwriteError('general_argument_invalid', 'Invalid `size` param: Value must be a valid integer'));
  });
});

describe('validateName', () => {
  it.each(['a', 'Shop', 'x'.repeat(128), '😀'.repeat(128)])('accepts %j (up to 128 chars, counted as code points)', (name) => {
    expect(validateName(name)).toBe(name);
  });

  it.each(['', 'x'.repeat(129), '😀'.repeat(129), 'a\u0000b', undefined, null, 5, ['a']])('rejects %j', (name) => {
    expect(() => validateName(name)).toThrow(appwriteError('general_argument_invalid', NAME_RULE));
  });
});
