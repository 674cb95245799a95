import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';

/**
 * Where stored files' bytes live: under STORAGE_DIR, at names the server draws at random (two hex characters
 * of directory, then 32), never derived from client-supplied names or IDs, so no request can reach a path
 * outside the store. Uploads stream into `uploadsDir` on the same filesystem and are renamed into place.
 */
export class FileStore {
  constructor(readonly root: string) {}

  get uploadsDir(): string {
    return join(this.root, '.uploads');
  }

  /** A fresh relative path for a new file, its directory created. */
  async allocate(): Promise<string> {
    const name = randomBytes(16).toString('hex');
    const relative = `${name.slice(0, 2)}/${name}`;
    await mkdir(dirname(this.absolute(relative)), { recursive: true, mode: 0o700 });
    return relative;
  }

  absolute(relative: string): string {
    // Only paths this store made: anything else (a corrupted row) must not name a file elsewhere.
    if (!STORED_PATH.test(relative)) throw new Error(`not a stored file path: ${JSON.stringify(relative)}`);
    return join(this.root, relative);
  }

  /** Deletes the bytes of a file; a file already gone is fine (a retry after a crash). */
  async remove(relative: string): Promise<void> {
    await rm(this.absolute(relative), { force: true });
  }
}

const STORED_PATH = /^[0-9a-f]{2}\/[0-9a-f]{32}$/;

/**
 * The MIME type of a file from its first bytes: binary formats by their signatures (file-type), markup that a
 * browser would run (HTML, SVG, XML) by its opening, other UTF-8 text as text/plain, the rest as
 * application/octet-stream. The client's declared type is never trusted.
 */
export async function detectMimeType(head: Buffer): Promise<string> {
  const detected = await fileTypeFromBuffer(head);
  // file-type names any XML "application/xml": which XML (SVG, XHTML) matters to browsers, so look closer.
  if (detected && detected.mime !== 'application/xml') return detected.mime;
  const text = decodeText(head);
  if (text === null) return 'application/octet-stream';
  const opening = text.trimStart().slice(0, 1024).toLowerCase();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype svg[^>]*>\s*)?<svg[\s>]/.test(opening)) return 'image/svg+xml';
  if (/^(<!--[\s\S]*?-->\s*)*<(!doctype html|html|head|body|script|iframe|meta|title)[\s>]/.test(opening)) return 'text/html';
  if (opening.startsWith('<?xml')) return 'application/xml';
  return 'text/plain';
}

/** The head as text if it is UTF-8 without NUL bytes (a multi-byte character cut at the end is allowed). */
function decodeText(head: Buffer): string | null {
  if (head.includes(0)) return null;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let cut = 0; cut <= 3 && cut <= head.length; cut++) {
    try {
      return decoder.decode(head.subarray(0, head.length - cut));
    } catch {
      // try again without the last bytes
    }
  }
  return null;
}

/** Types a browser would execute script in when opened from the gateway's origin. */
const ACTIVE_TYPES = new Set(['text/html', 'application/xhtml+xml', 'image/svg+xml', 'application/xml', 'text/xml', 'text/javascript', 'application/javascript']);
export const isActiveContent = (mimeType: string): boolean => ACTIVE_TYPES.has(mimeType);

/** A stored file untouched for this long and named by no file row is an orphan (see sweepOrphans). */
const ORPHAN_AFTER_MS = 60 * 60 * 1000;
/** File paths checked against the database per query. */
const SWEEP_BATCH = 500;

/**
 * Deletes stored bytes that no file row names: what a process stopped between writing a file's bytes and its
 * row (or between deleting a row and its bytes) left behind. Only files older than an hour are considered, so
 * an upload in flight in any instance (its bytes are renamed into place just before its row is written) is
 * never touched. `isReferenced` answers which of the given paths a file row names. Returns how many it removed.
 */
export async function sweepOrphans(store: FileStore, isReferenced: (paths: string[]) => Promise<Set<string>>, now = Date.now()): Promise<number> {
  const candidates: string[] = [];
  for (const directory of await readdir(store.root).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{2}$/.test(directory)) continue;
    for (const name of await readdir(join(store.root, directory)).catch(() => [] as string[])) {
      const relative = `${directory}/${name}`;
      if (!STORED_PATH.test(relative)) continue;
      const modified = await stat(store.absolute(relative)).then((s) => s.mtimeMs, () => now);
      if (modified <= now - ORPHAN_AFTER_MS) candidates.push(relative);
    }
  }
  let removed = 0;
  for (let start = 0; start < candidates.length; start += SWEEP_BATCH) {
    const batch = candidates.slice(start, start + SWEEP_BATCH);
    const referenced = await isReferenced(batch);
    for (const path of batch.filter((candidate) => !referenced.has(candidate))) {
      await store.remove(path);
      removed++;
    }
  }
  return removed;
}
