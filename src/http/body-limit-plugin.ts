import type { Plugin } from 'graphql-yoga';
import { AppwriteError } from '../errors/appwrite-error.ts';

/**
 * MAX_BODY_BYTES for GraphQL request bodies: a declared Content-Length is checked, a chunked body (which
 * announces none) is counted as it streams. Yoga's own limit (maxRequestBodySize) would also
 * cut multipart uploads at this size and it cannot tell them apart; uploads are exempt here and bounded by the
 * upload plugin (files × MAX_FILE_BYTES, streamed to disk).
 */
export function bodyLimitPlugin(limit: number, isExempt: (request: Request) => boolean): Plugin {
  const tooLarge = () =>
    new AppwriteError('general_argument_invalid', `Request body too large: the limit is ${limit} bytes`, { code: 413, http: { status: 413 } });
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (isExempt(request) || !requestParser || !request.body) return;
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!/^\d+$/.test(declared) || Number(declared) > limit) throw tooLarge();
        // The HTTP parser delivers exactly the declared length (it refuses Content-Length beside chunked
        // encoding), so there is nothing left to count: the counting stream would cost ~5% of a point read.
        return;
      }
      const parse = requestParser;
      setRequestParser((parsed) => {
        // Native streams and whatwg-node's ponyfill do not mix: transform each with its own kind (as Yoga does).
        const Transform = parsed.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        let bytes = 0;
        const body = parsed.body!.pipeThrough(
          new Transform<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              bytes += chunk.byteLength;
              if (bytes > limit) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        return parse(new fetchAPI.Request(parsed.url, { method: parsed.method, headers: parsed.headers, signal: parsed.signal, body, duplex: 'half' } as RequestInit));
      });
    },
  };
}
