import { describe, expect, it } from 'vitest';
import { answerFor } from '../../src/http/byte-ranges.ts';

const ETAG = '"abc"';

describe('answerFor', () => {
  it('answers the whole file without conditions', () => {
    expect(answerFor(10, ETAG, {})).toEqual({ status: 200, start: 0, end: 9 });
    expect(answerFor(0, ETAG, {})).toEqual({ status: 200, start: 0, end: -1 });
  });

  it('answers 304 when If-None-Match names the current entity tag, weak or listed', () => {
    expect(answerFor(10, ETAG, { ifNoneMatch: '"abc"' })).toEqual({ status: 304 });
    expect(answerFor(10, ETAG, { ifNoneMatch: 'W/"abc"' })).toEqual({ status: 304 });
    expect(answerFor(10, ETAG, { ifNoneMatch: '"x", "abc"' })).toEqual({ status: 304 });
    expect(answerFor(10, ETAG, { ifNoneMatch: '*' })).toEqual({ status: 304 });
    expect(answerFor(10, ETAG, { ifNoneMatch: '"other"' }).status).toBe(200);
  });

  it('answers single byte ranges: closed, open-ended, suffix, clamped to the end', () => {
    expect(answerFor(10, ETAG, { range: 'bytes=0-0' })).toEqual({ status: 206, start: 0, end: 0 });
    expect(answerFor(10, ETAG, { range: 'bytes=2-5' })).toEqual({ status: 206, start: 2, end: 5 });
    expect(answerFor(10, ETAG, { range: 'bytes=7-' })).toEqual({ status: 206, start: 7, end: 9 });
    expect(answerFor(10, ETAG, { range: 'bytes=-3' })).toEqual({ status: 206, start: 7, end: 9 });
    expect(answerFor(10, ETAG, { range: 'bytes=-30' })).toEqual({ status: 206, start: 0, end: 9 });
    expect(answerFor(10, ETAG, { range: 'bytes=5-100' })).toEqual({ status: 206, start: 5, end: 9 });
  });

  it('answers 416 for ranges past the end and for empty files', () => {
    expect(answerFor(10, ETAG, { range: 'bytes=10-' })).toEqual({ status: 416 });
    expect(answerFor(10, ETAG, { range: 'bytes=-0' })).toEqual({ status: 416 });
    expect(answerFor(0, ETAG, { range: 'bytes=0-' })).toEqual({ status: 416 });
  });

  it('ignores malformed, multiple and other-unit ranges: the whole file', () => {
    for (const range of ['bytes=5-2', 'bytes=0-1,3-4', 'items=0-1', 'bytes=-', 'bytes=a-b', 'garbage']) {
      expect(answerFor(10, ETAG, { range })).toEqual({ status: 200, start: 0, end: 9 });
    }
  });

  it('honours a range only while If-Range still names the current version', () => {
    expect(answerFor(10, ETAG, { range: 'bytes=2-3', ifRange: '"abc"' })).toEqual({ status: 206, start: 2, end: 3 });
    expect(answerFor(10, ETAG, { range: 'bytes=2-3', ifRange: '"old"' })).toEqual({ status: 200, start: 0, end: 9 });
  });
});
