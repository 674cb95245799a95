// The data model has one source, schema.prisma (SQLite); the PostgreSQL schema is derived from it by swapping
// the datasource provider and the client's output directory. Plain JavaScript: `npm ci` runs it before anything
// could compile TypeScript.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROVIDERS = /** @type {const} */ (['sqlite', 'postgresql']);

const SOURCE_PROVIDER = 'sqlite';
const PRISMA_DIR = dirname(fileURLToPath(import.meta.url));
const SOURCE_PATH = join(PRISMA_DIR, 'schema.prisma');
/** Gitignored: derived files are rebuilt by `npm run prisma:generate`. */
const DERIVED_DIR = join(PRISMA_DIR, '.generated');

/** @param {'sqlite' | 'postgresql'} provider */
export function schemaPath(provider) {
  return provider === SOURCE_PROVIDER ? SOURCE_PATH : join(DERIVED_DIR, `${provider}.prisma`);
}

/**
 * The schema of a provider, derived in memory (never stale).
 * @param {'sqlite' | 'postgresql'} provider
 * @returns {Promise<{ path: string, content: string }>}
 */
export async function readSchema(provider) {
  const source = await readFile(SOURCE_PATH, 'utf8');
  const path = schemaPath(provider);
  return { path, content: provider === SOURCE_PROVIDER ? source : deriveSchema(source, provider, path) };
}

/** Writes each derived schema to its file, for the Prisma CLI. */
export async function writeDerivedSchemas() {
  for (const provider of PROVIDERS.filter((name) => name !== SOURCE_PROVIDER)) {
    const { path, content } = await readSchema(provider);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}

/**
 * @param {string} source schema.prisma
 * @param {string} provider
 * @param {string} targetPath where the derived schema lives: the generator output is relative to it
 */
function deriveSchema(source, provider, targetPath) {
  const header = `// Derived from prisma/schema.prisma by prisma/schemas.mjs: edit that file, not this one.\n\n`;
  const withProvider = replaceOnce(source, /(datasource\s+\w+\s*\{[^}]*?\bprovider\s*=\s*)"sqlite"/, (_, head) => `${head}"${provider}"`);
  return header + replaceOnce(withProvider, /(generator\s+client\s*\{[^}]*?\boutput\s*=\s*)"([^"]*)"/, (_, head, output) => {
    const sourceOutput = resolve(PRISMA_DIR, output);
    if (basename(sourceOutput) !== SOURCE_PROVIDER) throw new Error(`schema.prisma: the client output ${output} should end with /${SOURCE_PROVIDER}`);
    const target = join(dirname(sourceOutput), provider);
    return `${head}"${relative(dirname(targetPath), target).split('\\').join('/')}"`;
  });
}

/**
 * @param {string} text
 * @param {RegExp} pattern
 * @param {(match: string, ...groups: string[]) => string} replacement
 */
function replaceOnce(text, pattern, replacement) {
  if (!pattern.test(text)) throw new Error(`schema.prisma: cannot derive the other providers, no match for ${pattern}`);
  return text.replace(pattern, replacement);
}
