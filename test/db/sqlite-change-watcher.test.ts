import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchSqliteChanges } from '../../src/db/sqlite-change-watcher.ts';
import type { ChangeChannel } from '../../src/db/change-channel.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SQLite change watcher', () => {
  let dir: string;
  let own: Sqlite.Database;
  let other: Sqlite.Database;
  let channel: ChangeChannel;
  let losses: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-watch-'));
    own = new Sqlite(join(dir, 'db.sqlite'));
    own.pragma('journal_mode = WAL');
    own.exec('CREATE TABLE t (n INTEGER)');
    other = new Sqlite(join(dir, 'db.sqlite'));
    channel = watchSqliteChanges(own, 10);
    losses = [];
    channel.subscribe('keys', { notice: () => losses.push('notice'), lost: () => losses.push('keys') });
    channel.subscribe('metadata', { notice: () => losses.push('notice'), lost: () => losses.push('metadata') });
  });
  afterEach(async () => {
    await channel.close();
    own.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports another connection's commit as lost to every topic, once per change", async () => {
    other.prepare('INSERT INTO t VALUES (1)').run();
    await tick(50);
    expect(losses).toEqual(['keys', 'metadata']);
    await tick(50);
    expect(losses).toHaveLength(2);
    other.prepare('INSERT INTO t VALUES (2)').run();
    await tick(50);
    expect(losses).toEqual(['keys', 'metadata', 'keys', 'metadata']);
  });

  it("ignores its own connection's commits and what it publishes itself", async () => {
    own.prepare('INSERT INTO t VALUES (1)').run();
    await channel.publish('keys', 'some-key');
    await tick(50);
    expect(losses).toEqual([]);
  });

  it('stops looking once closed', async () => {
    await channel.close();
    other.prepare('INSERT INTO t VALUES (1)').run();
    await tick(50);
    expect(losses).toEqual([]);
  });
});
