import type { Plugin } from 'graphql-yoga';
import type { RateLimit } from './config.ts';
import type { Decision } from './store.ts';

/**
 * X-RateLimit-Limit / -Remaining / -Reset (unix seconds) on single-operation responses, as Appwrite's REST API
 * sends them. An operation with several limited fields reports the tightest budget; a batch reports none (its
 * operations' budgets differ and one response cannot say which is which).
 */
export const RATE_LIMIT_HEADERS = { limit: 'X-RateLimit-Limit', remaining: 'X-RateLimit-Remaining', reset: 'X-RateLimit-Reset' } as const;

export class RateLimitReport {
  batched = false;
  private tightest: { limit: RateLimit; decision: Decision } | undefined;

  record(limit: RateLimit, decision: Decision): void {
    if (!this.tightest || decision.remaining <= this.tightest.decision.remaining) this.tightest = { limit, decision };
  }

  writeTo(headers: Headers): void {
    if (this.batched || !this.tightest) return;
    const { limit, decision } = this.tightest;
    headers.set(RATE_LIMIT_HEADERS.limit, String(limit.max));
    headers.set(RATE_LIMIT_HEADERS.remaining, String(Math.max(0, decision.remaining)));
    headers.set(RATE_LIMIT_HEADERS.reset, String(Math.ceil(decision.resetAt / 1000)));
  }
}

/** One report per HTTP request (shared by a batch's operations, like the response headers), written on response. */
export function rateLimitHeadersPlugin(reportOf: (request: Request) => RateLimitReport): Plugin {
  return {
    onRequestParse({ request }) {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult)) reportOf(request).batched = true;
        },
      };
    },
    onResponse({ request, response }) {
      reportOf(request).writeTo(response.headers);
    },
  };
}
