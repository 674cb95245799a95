import { describe, expect, it } from 'vitest';
import { isValidRole } from '../../src/permissions/permission.ts';

describe('roles that embed an ID', () => {
  const id36 = 'a'.repeat(36);

  it.each([`user:${id36}`, 'user:a.b-c_d/verified', `team:${id36}/owner`, 'member:m1'])('accepts %j', (role) => {
    expect(isValidRole(role)).toBe(true);
  });

  it.each([`user:${id36}a`, 'user:_a', 'user:.a', 'team:-t', 'member:', 'member:a b', 'user:é'])('refuses %j: the ID breaks the ID rule', (role) => {
    expect(isValidRole(role)).toBe(false);
  });
});
