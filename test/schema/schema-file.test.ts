import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE } from '../../src/schema/schema-file.ts';
import { printGatewaySchema } from '../../src/schema/sdl.ts';

describe('schema.graphql', () => {
  it('is the SDL the code builds (run `npm run schema` after a schema change)', async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    expect(committed === printGatewaySchema(), 'schema.graphql is stale: run `npm run schema` and commit it').toBe(true);
  });

  it('prints @rateLimit on write operations and is stable from build to build', () => {
    const sdl = printGatewaySchema();
    expect(sdl).toBe(printGatewaySchema());
    // Each argument is printed after its description.
    expect(sdl).toMatch(/\ndirective @rateLimit\([^]*?\n {2}identityArgs: \[String!\]\n[^]*?\n {2}max: Int!\n[^]*?\n {2}window: String!\n\) on FIELD_DEFINITION\n/);
    const createDocument = sdl.slice(sdl.indexOf('  databasesCreateDocument('));
    expect(createDocument).toMatch(/^[^]*?\n {2}\): Document @rateLimit\(max: 120, window: "60s"\)\n/);
  });
});
