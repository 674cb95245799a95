import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE } from '../../src/schema/schema-file.ts';
import { printGatewaySchema } from '../../src/schema/sdl.ts';

describe('schema.graphql', () => {
  it('is the SDL the code builds (run `npm run schema` after a schema change)', async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    expect(committed === printGatewaySchema(), 'schema.graphql is stale: run `npm run schema` and commit it').toBe(true);
  });

  it('is the same from build to build (stable order; @rateLimit itself: test/rate-limit/schema.test.ts)', () => {
    expect(printGatewaySchema()).toBe(printGatewaySchema());
  });
});
