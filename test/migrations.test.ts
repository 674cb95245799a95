import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialect } from '../src/db/dialect.ts';
import { nextMigrationScript } from '../src/db/migrations/diff.ts';
import { migrationsDirectory, readMigrationsFolder } from '../src/db/migrations/folder.ts';
import { applyMigrations } from '../src/db/migrations/index.ts';
import { runAdminStatement, withDatabase } from '../src/db/migrations/postgres-adapter.ts';
import { openSchemaEngine, withSchemaEngine } from '../src/db/migrations/session.ts';
import { readSchema } from '../prisma/schemas.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const postgresUrl = process.env.TEST_DATABASE_URL;
if (!postgresUrl) console.warn('TEST_DATABASE_URL is not set: the PostgreSQL migration tests are skipped.');

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'migrations-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function committedMigrations(provider: Dialect): Promise<string[]> {
  return (await readMigrationsFolder(migrationsDirectory(provider))).migrationDirectories.map((migration) => migration.path);
}

async function checksum(provider: Dialect, migration: string): Promise<string> {
  const sql = await readFile(join(migrationsDirectory(provider), migration, 'migration.sql'));
  return createHash('sha256').update(sql).digest('hex');
}

/** A copy of the committed migrations that a test may change. */
async function copyOfMigrations(provider: Dialect, name: string): Promise<string> {
  const dir = join(scratch, name);
  await cp(migrationsDirectory(provider), dir, { recursive: true });
  return dir;
}

async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(join(dir, name));
  await writeFile(join(dir, name, 'migration.sql'), sql);
}

describe('applyMigrations on SQLite', () => {
  it('applies the committed migrations to a new file, records them as `migrate deploy` does, then applies nothing', async () => {
    const file = join(scratch, 'missing-dir', 'fresh.db');
    const url = `file:${file}`;
    const migrations = await committedMigrations('sqlite');
    expect(migrations.at(0)).toMatch(/^\d{14}_init$/);

    const lines: string[] = [];
    expect(await applyMigrations({ provider: 'sqlite', url, log: (line) => lines.push(line) })).toEqual({ applied: migrations });
    expect(lines).toEqual(migrations.map((name) => `Applied migration ${name}`));
    expect(await applyMigrations({ provider: 'sqlite', url })).toEqual({ applied: [] });

    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT migration_name, checksum, finished_at, rolled_back_at, logs FROM _prisma_migrations ORDER BY started_at').all();
      expect(rows).toEqual(
        await Promise.all(
          migrations.map(async (name) => ({
            migration_name: name,
            checksum: await checksum('sqlite', name),
            finished_at: expect.any(String),
            rolled_back_at: null,
            logs: null,
          })),
        ),
      );
    } finally {
      db.close();
    }
  });

  it('refuses to run when an applied migration was edited', async () => {
    const migrationsDir = await copyOfMigrations('sqlite', 'edited');
    const url = `file:${join(scratch, 'edited.db')}`;
    await applyMigrations({ provider: 'sqlite', url, migrationsDir });
    const [first] = await committedMigrations('sqlite');
    await appendFile(join(migrationsDir, first!, 'migration.sql'), '\n-- edited afterwards\n');

    await expect(applyMigrations({ provider: 'sqlite', url, migrationsDir })).rejects.toThrow(
      new RegExp(`Migration ${first} was edited after it was applied`),
    );
  });

  it('names the migration that failed, then refuses to go past it', async () => {
    const migrationsDir = await copyOfMigrations('sqlite', 'failing');
    await addMigration(migrationsDir, '99990101000000_broken', 'CREATE TABLE "Broken" ("id" INTEGER);\nSELECT * FROM "NoSuchTable";\n');
    const url = `file:${join(scratch, 'failing.db')}`;

    await expect(applyMigrations({ provider: 'sqlite', url, migrationsDir })).rejects.toThrow(
      /Migration 99990101000000_broken failed to apply: [\s\S]*NoSuchTable/,
    );
    await expect(applyMigrations({ provider: 'sqlite', url, migrationsDir })).rejects.toThrow(
      /Migration 99990101000000_broken failed in an earlier run/,
    );
  });

  it('is what `npm run migrate` runs, and that process exits as soon as it is done', async () => {
    const env = { ...process.env, DATABASE_URL: `file:${join(scratch, 'cli.db')}` };
    const { stdout } = await run(process.execPath, ['bin/gateway.mjs', 'migrate'], { cwd: root, env, timeout: 5_000 });
    expect(stdout).toContain(`Applied migration ${(await committedMigrations('sqlite'))[0]}`);
  });
});

describe('schema engine sessions', () => {
  it('report an engine panic as an error, and the next engine works', async () => {
    const session = await openSchemaEngine({ provider: 'sqlite', url: ':memory:' });
    await expect(async () => session.engine.debugPanic()).rejects.toThrow(/The schema engine panicked: [\s\S]*debugPanic/);
    await session.close();
    expect(await withSchemaEngine({ provider: 'sqlite', url: ':memory:' }, (engine) => engine.version())).toMatch(/^3\./);
  });
});

describe('no drift: the committed migrations produce exactly schema.prisma', () => {
  it('on SQLite', async () => {
    const script = await nextMigrationScript({
      provider: 'sqlite',
      url: ':memory:',
      migrationsDir: migrationsDirectory('sqlite'),
      schema: await readSchema('sqlite'),
    });
    expect(script).toBeUndefined();
  });
});

describe.skipIf(!postgresUrl)('applyMigrations on PostgreSQL', () => {
  const database = `migr_test_${randomBytes(6).toString('hex')}`;
  let url: string;
  beforeAll(async () => {
    await runAdminStatement(postgresUrl!, `CREATE DATABASE "${database}"`);
    url = withDatabase(postgresUrl!, database);
  });
  afterAll(async () => {
    // FORCE: backends of connections closed a moment ago may still be exiting.
    await runAdminStatement(postgresUrl!, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  async function query<Row>(sql: string): Promise<Row[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Row[];
    } finally {
      await client.end();
    }
  }

  it('applies the committed migrations, records them as `migrate deploy` does, then applies nothing', async () => {
    const migrations = await committedMigrations('postgresql');
    expect(await applyMigrations({ provider: 'postgresql', url })).toEqual({ applied: migrations });
    expect(await applyMigrations({ provider: 'postgresql', url })).toEqual({ applied: [] });
    const rows = await query('SELECT migration_name, checksum, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY started_at');
    expect(rows).toEqual(
      await Promise.all(migrations.map(async (name) => ({ migration_name: name, checksum: await checksum('postgresql', name), finished: true }))),
    );
  });

  it('is what `npm run migrate` runs, and that process exits as soon as it is done', async () => {
    const env = { ...process.env, DATABASE_URL: url };
    // The engine arms 10 s timeouts on PostgreSQL: they must not keep the process alive.
    const { stdout } = await run(process.execPath, ['bin/gateway.mjs', 'migrate'], { cwd: root, env, timeout: 5_000 });
    expect(stdout).toContain('Migrating postgresql database');
  });

  it('has no drift: the committed migrations produce exactly the derived schema', async () => {
    const script = await nextMigrationScript({
      provider: 'postgresql',
      url,
      migrationsDir: migrationsDirectory('postgresql'),
      schema: await readSchema('postgresql'),
    });
    expect(script).toBeUndefined();
  });

  it('runs a migration script whole: semicolons inside literals survive, and a failure changes nothing', async () => {
    const migrationsDir = await copyOfMigrations('postgresql', 'postgres-scripts');
    await addMigration(migrationsDir, '99990101000000_literal', `CREATE TABLE "Note" ("text" TEXT);\nINSERT INTO "Note" VALUES ('a;b');\n`);
    await addMigration(migrationsDir, '99990102000000_broken', 'CREATE TABLE "Broken" ("id" INTEGER);\nSELECT * FROM "NoSuchTable";\n');

    await expect(applyMigrations({ provider: 'postgresql', url, migrationsDir })).rejects.toThrow(
      /Migration 99990102000000_broken failed to apply: [\s\S]*NoSuchTable/,
    );
    expect(await query('SELECT "text" FROM "Note"')).toEqual([{ text: 'a;b' }]);
    expect(await query(`SELECT to_regclass('"Broken"') IS NULL AS absent`)).toEqual([{ absent: true }]);
  });
});

describe('schema engine stand-in for the Prisma CLI', () => {
  const standin = join(root, 'prisma/schema-engine-standin.mjs');

  it('answers --version like the native binary', async () => {
    const { stdout } = await run(standin, ['--version']);
    expect(stdout.trim()).toMatch(/^schema-engine-cli [0-9a-f]{40}$/);
  });

  it('lets `prisma migrate status` run offline, and it agrees with applyMigrations', { timeout: 20_000 }, async () => {
    const url = `file:${join(scratch, 'status.db')}`;
    await applyMigrations({ provider: 'sqlite', url });
    // No PRISMA_SCHEMA_ENGINE_BINARY: .config/prisma.ts points the CLI at the stand-in.
    const { PRISMA_SCHEMA_ENGINE_BINARY: _unused, ...inherited } = process.env;
    const env = { ...inherited, DATABASE_URL: url, CHECKPOINT_DISABLE: '1' };
    const cli = join(root, 'node_modules/prisma/build/index.js');
    const { stdout } = await run(process.execPath, [cli, 'migrate', 'status'], { cwd: root, env, timeout: 15_000 });
    expect(stdout).toContain('Database schema is up to date!');
  });
});
