import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveJwtSecret } from '../src/auth/jwt-secret.ts';

describe('JWT secret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-secret-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses JWT_SECRET when configured', () => {
    expect(resolveJwtSecret('x'.repeat(40), join(dir, 'unused'))).toBe('x'.repeat(40));
  });

  it('generates one secret on first use, keeps it owner-only, and returns it again', () => {
    const data = join(dir, 'data');
    const first = resolveJwtSecret(null, data);
    expect(first).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(statSync(join(data, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(resolveJwtSecret(null, data)).toBe(first);
  });
});
