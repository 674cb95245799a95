import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { detectMimeType, FileStore, isActiveContent, sweepOrphans } from '../../src/storage/file-store.ts';

describe('detectMimeType', () => {
  it('recognises binary formats by their signatures, whatever the name or declared type', async () => {
    expect(await detectMimeType(await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer())).toBe('image/png');
    expect(await detectMimeType(await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).jpeg().toBuffer())).toBe('image/jpeg');
    expect(await detectMimeType(Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj', 'latin1'))).toBe('application/pdf');
    expect(await detectMimeType(Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]))).toBe('application/octet-stream');
  });

  it('tells markup a browser would run from plain text', async () => {
    const cases: [string, string][] = [
      ['<!DOCTYPE html><html><body>x</body></html>', 'text/html'],
      ['  <!-- comment --><script>alert(1)</script>', 'text/html'],
      ['<svg xmlns="http://www.w3.org/2000/svg"></svg>', 'image/svg+xml'],
      ['<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', 'image/svg+xml'],
      ['<?xml version="1.0"?><note>hi</note>', 'application/xml'],
      ['just some words, <b>not</b> a page', 'text/plain'],
      ['{"json": true}', 'text/plain'],
      ['héllo wörld', 'text/plain'],
    ];
    for (const [content, type] of cases) expect([content, await detectMimeType(Buffer.from(content))]).toEqual([content, type]);
  });

  it('accepts text whose last multi-byte character the head cut in two', async () => {
    const text = Buffer.from('é'.repeat(10));
    expect(await detectMimeType(text.subarray(0, text.length - 1))).toBe('text/plain');
  });

  it('marks HTML, SVG, XML and scripts as active content', () => {
    for (const type of ['text/html', 'image/svg+xml', 'application/xml', 'text/javascript']) expect(isActiveContent(type)).toBe(true);
    for (const type of ['text/plain', 'image/png', 'application/pdf']) expect(isActiveContent(type)).toBe(false);
  });
});

describe('FileStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'file-store-'));
  const store = new FileStore(root);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('allocates random paths inside its root, and removes files idempotently', async () => {
    const a = await store.allocate();
    const b = await store.allocate();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{32}$/);
    writeFileSync(store.absolute(a), 'x');
    await store.remove(a);
    expect(existsSync(store.absolute(a))).toBe(false);
    await store.remove(a);
  });

  it('refuses any path it did not make', () => {
    for (const path of ['../etc/passwd', '/etc/passwd', 'ab/../../x', 'AB/0123456789abcdef0123456789abcdef', '']) {
      expect(() => store.absolute(path)).toThrow(/not a stored file path/);
    }
  });

  it('sweeps bytes no file row names once they are an hour old, and nothing else', async () => {
    const hourAgo = new Date(Date.now() - 3600_001);
    const make = async (old: boolean) => {
      const path = await store.allocate();
      writeFileSync(store.absolute(path), 'x');
      if (old) utimesSync(store.absolute(path), hourAgo, hourAgo);
      return path;
    };
    const referenced = await make(true);
    const orphan = await make(true);
    const recent = await make(false);
    mkdirSync(join(root, 'ab'), { recursive: true });
    const foreign = join(root, 'ab', 'README');
    writeFileSync(foreign, 'not ours');
    utimesSync(foreign, hourAgo, hourAgo);
    const asked: string[] = [];
    const removed = await sweepOrphans(store, async (paths) => {
      asked.push(...paths);
      return new Set(paths.filter((path) => path === referenced));
    });
    expect(removed).toBe(1);
    expect(asked.sort()).toEqual([referenced, orphan].sort());
    expect([referenced, orphan, recent].map((path) => existsSync(store.absolute(path)))).toEqual([true, false, true]);
    expect(existsSync(foreign)).toBe(true);
  });
});
