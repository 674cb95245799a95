import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, print, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_KEY } from '../support/gateway.ts';
import { startStorageGateway, type StorageGateway } from '../support/storage-gateway.ts';

/**
 * The README's walk-through, run as a reader would: every ```graphql and ```sh block of its section, in order,
 * against a live server (real HTTP, the file routes included). A GraphQL block runs with the API key, or with
 * the headers its first line names (`# Headers: { "X-Appwrite-JWT": "<jwt>" }`, `# Headers: {}`); shell blocks
 * run in bash with the README's address and key placeholder replaced. Values the reader copies from one answer
 * into a later block (`<jwt>`, `<viewUrl>`) are taken from the answers.
 */

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
const README_ORIGIN = 'http://127.0.0.1:4000';
const run = promisify(execFile);

interface Block {
  lang: 'graphql' | 'sh';
  code: string;
}

function walkthroughBlocks(): Block[] {
  const start = README.indexOf('\n## Five-minute walk-through');
  const section = README.slice(start, README.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```(graphql|sh)\n([^]*?)```/g)].map((m) => ({ lang: m[1] as Block['lang'], code: m[2]! }));
}

/** Every string-valued field of an answer, by field name (later answers overwrite earlier ones). */
function collectStrings(value: unknown, into: Map<string, string>): void {
  if (Array.isArray(value)) value.forEach((item) => collectStrings(item, into));
  else if (value && typeof value === 'object') {
    for (const [key, field] of Object.entries(value)) {
      if (typeof field === 'string') into.set(key, field);
      else collectStrings(field, into);
    }
  }
}

const fill = (text: string, copied: Map<string, string>) =>
  text.replace(/<(\w+)>/g, (placeholder, name: string) => copied.get(name) ?? placeholder);

describe('README walk-through', () => {
  let server: StorageGateway;
  let workDir: string;
  const answers = new Map<string, unknown>();
  const copied = new Map<string, string>();

  beforeAll(async () => {
    server = await startStorageGateway('sqlite');
    workDir = mkdtempSync(join(tmpdir(), 'gateway-readme-'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('runs every block of the walk-through in order without an error', async () => {
    const blocks = walkthroughBlocks();
    expect(blocks.filter((b) => b.lang === 'graphql').length).toBeGreaterThanOrEqual(6);
    expect(blocks.filter((b) => b.lang === 'sh').length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) {
      if (block.lang === 'sh') {
        const script = fill(block.code, copied)
          .replaceAll(README_ORIGIN, server.url)
          .replace(/^KEY='[^']*'/m, `KEY='${ROOT_KEY}'`);
        const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { cwd: workDir });
        answers.set(`sh:${answers.size}`, stdout);
        if (stdout.startsWith('{')) {
          const answer = JSON.parse(stdout) as { data?: unknown; errors?: unknown };
          expect(answer.errors, script).toBeUndefined();
          collectStrings(answer.data, copied);
        }
        continue;
      }
      const headerLine = /^# Headers: (.*)$/m.exec(block.code.split('\n')[0]!);
      const headers = headerLine ? (JSON.parse(fill(headerLine[1]!, copied)) as Record<string, string>) : { 'x-appwrite-key': ROOT_KEY };
      for (const definition of parse(block.code).definitions as OperationDefinitionNode[]) {
        const name = definition.name!.value;
        const answer = await server.gql(print(definition), undefined, headers);
        expect(answer.errors, name).toBeUndefined();
        answers.set(name, answer.data);
        collectStrings(answer.data, copied);
      }
    }
  });

  it('answers what the walk-through says', () => {
    const recent = (answers.get('RecentBooks') as any).databasesListDocuments;
    expect(recent.total).toBe(2);
    expect(recent.documents.map((d: { data: string }) => JSON.parse(d.data).title)).toEqual(['Dune', 'Solaris']);
    const note = (answers.get('AdaWrites') as any).databasesCreateDocument;
    expect(note._permissions).toEqual(['read("user:ada")', 'update("user:ada")', 'delete("user:ada")']);
    expect((answers.get('AdaReads') as any).databasesListDocuments.total).toBe(1);
    expect((answers.get('GuestReads') as any).databasesListDocuments.total).toBe(0);
    const shellOutputs = [...answers].filter(([key]) => key.startsWith('sh:')).map(([, output]) => output);
    expect(shellOutputs.at(-1)).toBe('Hello from the gateway\n');
  });

  it('closes the token URL once the token is deleted, as it says', async () => {
    const tokenId = ((answers.get('ShareHello') as any).tokensCreateFileToken as { _id: string })._id;
    await server.ok('mutation($id: String!) { tokensDelete(tokenId: $id) { status } }', { id: tokenId });
    expect((await fetch(`${server.url}${copied.get('viewUrl')}`)).status).toBe(404);
  });
});
