// The part of autocannon's programmatic API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }

    interface RequestSpec {
      /** Called before each request is sent; the request it returns is the one sent. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
    }

    interface Options {
      url: string;
      method?: 'GET' | 'POST';
      headers?: Record<string, string>;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Milliseconds between the request-count samples (default 1000); a run ends on a sample. */
      sampleInt?: number;
      /** A discarded run before the measured one. */
      warmup?: { connections?: number; duration?: number };
      requests?: RequestSpec[];
      /** Each response body for which this returns false counts in `mismatches`. */
      verifyBody?: (body: string) => boolean;
    }

    interface Histogram {
      average: number;
      p50: number;
      p99: number;
    }

    interface Result {
      requests: Histogram;
      latency: Histogram;
      /** Connection errors, timeouts included. */
      errors: number;
      mismatches: number;
      non2xx: number;
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): this;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
