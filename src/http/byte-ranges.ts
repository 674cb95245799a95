/**
 * What to answer a GET for a stored file of `size` bytes with a strong `etag`, given the request's conditional
 * and Range headers (RFC 9110): 304 when If-None-Match matches, 206 with one range when a single satisfiable
 * range is asked for (and If-Range, if sent, still matches), 416 when none is satisfiable, else 200 with all of
 * it. Several ranges at once are answered with the whole file (allowed by the RFC; multipart/byteranges is
 * rarely used and costly to serve).
 */

export type FileAnswer =
  | { status: 200; start: 0; end: number }
  | { status: 206; start: number; end: number }
  | { status: 304 }
  | { status: 416 };

export interface ConditionalHeaders {
  ifNoneMatch?: string | null | undefined;
  range?: string | null | undefined;
  ifRange?: string | null | undefined;
}

/** `end` is inclusive, as in Content-Range; an empty file answers 200 with end -1. */
export function answerFor(size: number, etag: string, headers: ConditionalHeaders): FileAnswer {
  if (headers.ifNoneMatch && ifNoneMatchHits(headers.ifNoneMatch, etag)) return { status: 304 };
  const whole = { status: 200 as const, start: 0 as const, end: size - 1 };
  if (!headers.range) return whole;
  // A Range conditioned on another version of the file: send the whole current file instead.
  if (headers.ifRange && headers.ifRange.trim() !== etag) return whole;
  const range = parseRange(headers.range, size);
  if (range === 'ignore') return whole;
  if (range === 'unsatisfiable') return { status: 416 };
  return { status: 206, ...range };
}

/** If-None-Match: `*` or a list of entity tags, compared weakly (a W/ prefix is ignored). */
export function ifNoneMatchHits(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare);
}

/**
 * One `bytes=` range: `a-b`, `a-` or `-n` (the last n bytes). Malformed headers, other units and several
 * ranges are ignored (the whole file is sent), as the RFC allows.
 */
function parseRange(header: string, size: number): { start: number; end: number } | 'ignore' | 'unsatisfiable' {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return 'ignore';
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return 'ignore';
  if (first === '') {
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return 'ignore';
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
