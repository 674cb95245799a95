import { describe, expect, it } from 'vitest';
import { ID_PATTERN_SOURCE, isValidId, resolveId, uniqueId, validateId, validateKey } from '../../src/validation/ids.ts';
import { appwriteError } from './appwrite-error-matcher.ts';

const UID_RULE = "UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore";
const KEY_RULE = "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char";

const VALID = ['a', 'Z', '0', '0abc', 'user_1', 'my.doc-id_2', 'a.', 'a-', 'a_', 'x'.repeat(36), '5e5ea5c16897e'];
const INVALID = ['', '_a', '.a', '-a', '$id', '$createdAt', 'a b', 'a/b', 'a@b', 'a:b', 'é', 'naïve', 'a\n', 'x'.repeat(37)];
// Values from JSON parameters; a regex alone would accept most of them, as it tests their string form ("undefined", "12").
const NOT_STRINGS = [undefined, null, 12, true, ['abc'], { id: 'abc' }];

describe('isValidId', () => {
  it.each(VALID)('accepts %j', (id) => {
    expect(isValidId(id)).toBe(true);
  });

  it.each([...INVALID, ...NOT_STRINGS])('rejects %j', (id) => {
    expect(isValidId(id)).toBe(false);
  });
});

describe('ID_PATTERN_SOURCE', () => {
  it('is the same rule, unanchored, for patterns that embed IDs', () => {
    const role = new RegExp(`^user:${ID_PATTERN_SOURCE}$`);
    for (const id of VALID) expect(role.test(`user:${id}`), id).toBe(true);
    for (const id of INVALID) expect(role.test(`user:${id}`), id).toBe(false);
  });
});

describe('validateId', () => {
  it.each(VALID)('accepts %j', (id) => {
    expect(validateId(id, 'documentId')).toBe(id);
  });

  it.each([...INVALID, ...NOT_STRINGS, 'unique()'])('rejects %j with Appwrite\'s UID message', (id) => {
    expect(() => validateId(id, 'documentId')).toThrow(appwriteError('general_argument_invalid', `Invalid \`documentId\` param: ${UID_RULE}`));
  });
});

describe('resolveId', () => {
  it.each(VALID)('keeps the custom ID %j', (id) => {
    expect(resolveId(id, 'collectionId')).toBe(id);
  });

  it.each(INVALID)('rejects %j', (id) => {
    expect(() => resolveId(id, 'collectionId')).toThrow(appwriteError('general_argument_invalid', `Invalid \`collectionId\` param: ${UID_RULE}`));
  });

  it('replaces unique() by a fresh ID', () => {
    const id = resolveId('unique()', 'documentId');
    expect(id).toMatch(/^[0-9a-f]{20}$/);
    expect(() => validateId(id, 'documentId')).not.toThrow();
  });

  it('treats only the exact literal unique() as the placeholder', () => {
    expect(() => resolveId('unique( )', 'documentId')).toThrow(appwriteError('general_argument_invalid'));
    expect(() => resolveId('UNIQUE()', 'documentId')).toThrow(appwriteError('general_argument_invalid'));
  });
});

describe('uniqueId', () => {
  it('starts with the current time in hex seconds, like ID.unique()', () => {
    const before = Math.floor(Date.now() / 1000);
    const seconds = Number.parseInt(uniqueId().slice(0, 8), 16);
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
  });

  it('never repeats and keeps creation order in a burst', () => {
    const ids = Array.from({ length: 20_000 }, () => uniqueId());
    expect(new Set(ids).size).toBe(ids.length);
    const timeParts = ids.map((id) => id.slice(0, 13));
    expect(timeParts.every((part, i) => i === 0 || part > (timeParts[i - 1] ?? ''))).toBe(true);
  });
});

describe('validateKey', () => {
  it.each(VALID)('accepts %j', (key) => {
    expect(validateKey(key, 'key')).toBe(key);
  });

  it.each([...INVALID, ...NOT_STRINGS, '$updatedAt', '$permissions', 'unique()'])('rejects %j with Appwrite\'s Key message', (key) => {
    expect(() => validateKey(key, 'key')).toThrow(appwriteError('general_argument_invalid', `Invalid \`key\` param: ${KEY_RULE}`));
  });

  it('names the parameter it checks', () => {
    expect(() => validateKey('_x', 'newKey')).toThrow(appwriteError('general_argument_invalid', `Invalid \`newKey\` param: ${KEY_RULE}`));
  });
});
