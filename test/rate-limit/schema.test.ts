import { existsSync, readFileSync } from 'node:fs';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { parseWindow } from '../../src/rate-limit/config.ts';
import { DEFAULT_RATE_LIMITS } from '../../src/rate-limit/defaults.ts';
import { buildSchema } from '../../src/schema/schema.ts';

const schema = buildSchema(loadConfig({}).rateLimits);
const mutations = Object.values(schema.getMutationType()!.getFields());

/** Appwrite's OpenAPI, beside the repository in this workspace; the comparison is skipped where it is absent. */
const REFERENCE = new URL('../../../shared/reference/appwrite-api-subset.json', import.meta.url);

describe('@rateLimit in the schema', () => {
  it('is declared and applied in the SDL printed with printSchemaWithDirectives', () => {
    const sdl = printSchemaWithDirectives(schema);
    expect(sdl).toMatch(/\ndirective @rateLimit\([^]*?\n {2}identityArgs: \[String!\]\n[^]*?\n {2}max: Int!\n[^]*?\n {2}window: String!\n\) on FIELD_DEFINITION\n/);
    expect(sdl).not.toContain('@0');
    expect(sdl).toMatch(/ databasesCreateDocument\([\s\S]*?\n {2}\): Document @rateLimit\(max: 120, window: "60s"\)\n/);
    expect(sdl).toMatch(/ accountCreateEmailPasswordSession\([\s\S]*?\n {2}\): Session @rateLimit\(max: 10, window: "1h", identityArgs: \["email"\]\)\n/);
  });

  it('is on every write operation, and each one\'s description states the limit (no allow-list)', () => {
    const missing = mutations.filter((field) => !field.astNode?.directives?.some((d) => d.name.value === 'rateLimit') || !/Rate limit: \d+ requests per /.test(field.description ?? ''));
    expect(missing.map((field) => field.name)).toEqual([]);
    expect(mutations.find((f) => f.name === 'databasesCreateDocument')!.description).toMatch(/Rate limit: 120 requests per 60 s per IP and user \(API keys exempt\)\.$/);
  });

  it('every mutation has a default and every default a mutation', () => {
    expect(mutations.map((f) => f.name).sort()).toEqual(Object.keys(DEFAULT_RATE_LIMITS).sort());
  });

  it('follows configuration: an operation switched off has no directive, all off none at all', () => {
    const withOneOff = buildSchema(loadConfig({ RATE_LIMITS: '{"storageDeleteFile":false}' }).rateLimits);
    expect(withOneOff.getMutationType()!.getFields()['storageDeleteFile']!.astNode?.directives ?? []).toEqual([]);
    const allOff = Object.values(buildSchema(loadConfig({ RATE_LIMITS_ENABLED: 'false' }).rateLimits).getMutationType()!.getFields());
    expect(allOff.filter((field) => field.astNode?.directives?.length || field.description?.includes('Rate limit'))).toEqual([]);
  });

  it.skipIf(!existsSync(REFERENCE))('takes Appwrite\'s rate-limit and rate-time wherever Appwrite sets one', () => {
    const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')) as { paths: Record<string, Record<string, { operationId: string; 'x-appwrite'?: Record<string, unknown> }>> };
    const appwrite = Object.values(reference.paths).flatMap((ops) => Object.values(ops)).filter((op) => Number(op['x-appwrite']?.['rate-limit']) > 0);
    const differing = appwrite
      .filter((op) => Object.hasOwn(DEFAULT_RATE_LIMITS, op.operationId))
      .filter((op) => {
        const ours = DEFAULT_RATE_LIMITS[op.operationId]!;
        return ours.max !== op['x-appwrite']!['rate-limit'] || parseWindow(ours.window) !== Number(op['x-appwrite']!['rate-time']) * 1000;
      });
    expect(differing.map((op) => op.operationId)).toEqual([]);
  });
});
