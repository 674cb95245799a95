import type { GraphQLResolveInfo } from 'graphql';
import { getGraphQLRateLimiter, Store, type Identity } from 'graphql-rate-limit';
import type { Caller } from '../auth/caller.ts';
import { AppwriteError } from '../errors/appwrite-error.ts';
import { rateLimitSubject } from './client-ip.ts';
import type { RateLimit } from './config.ts';
import type { Decision, WindowStore } from './store.ts';

/**
 * Enforces a field's @rateLimit through graphql-rate-limit: its limiter names the budget (identifyContext: client
 * IP and caller; getFieldIdentity: the field, or the field and `identityArgs` values) and words the refusal
 * (formatError).
 *
 * Its Store contract is read-then-write: getForIdentity, decide, setForIdentity. Two simultaneous calls read the
 * same window and both pass — one more than `max` per extra racer, in one process (the read is awaited) and
 * across instances (test/rate-limit/store-atomicity.test.ts shows it with the library's own stores). So the
 * limiter runs `readOnly` (it never writes back) and the read is this module's AdmissionStore, whose
 * getForIdentity is the WindowStore's atomic check-and-record: it returns a window the limiter's count turns into
 * the store's verdict. One store call per limited field, and no per-call work that grows with `max`.
 */

/** What a limited field's resolver context carries. */
export interface LimitedContext {
  caller: Caller;
  clientIp: string;
  /** Told every decision, for the X-RateLimit-* response headers. */
  rateLimitReport: { record(limit: RateLimit, decision: Decision): void };
}

export interface LimitedCall {
  parent: unknown;
  args: Record<string, unknown>;
  context: LimitedContext;
  info: GraphQLResolveInfo;
}

/** The budget's owner: the client address (an IPv6 client's /64) and who calls (a user, a key, or any guest from there). */
function callerIdentity({ caller, clientIp }: LimitedContext): string {
  const who = caller.kind === 'user' ? `user:${caller.userId}` : caller.kind === 'key' ? `key:${caller.keyId}` : 'guest';
  return `${rateLimitSubject(clientIp)}|${who}`;
}

/** The limiter's own threshold: the store applies the real max (see AdmissionStore.getForIdentity). */
const VERDICT_MAX = 1;

/** Budgets keyed by arguments alone (a sign-in's email) are shared by every client. */
const ANY_CLIENT = '*';

/** graphql-rate-limit's view of one call's admission (built per call: it carries that call's decision out). */
class AdmissionStore extends Store {
  decision: Decision | undefined;

  constructor(
    private readonly windows: WindowStore,
    private readonly limit: RateLimit,
  ) {
    super();
  }

  override async getForIdentity({ contextIdentity, fieldIdentity }: Identity): Promise<readonly number[]> {
    this.decision = await this.windows.hit(`${contextIdentity}|${fieldIdentity}`, this.limit);
    // The limiter is run with max 1 (VERDICT_MAX): it refuses when the returned calls plus this one exceed 1,
    // counting calls it sees inside the window by its own clock. An empty window admits, one call stamped now
    // refuses — the store's verdict, without handing over (and having filtered) every recorded call.
    return this.decision.allowed ? [] : [Date.now()];
  }

  override setForIdentity(): void {
    // Never called: the limiter runs readOnly, and getForIdentity has recorded the call.
  }
}

export class RateLimiter {
  constructor(
    private readonly windows: WindowStore,
    private readonly exemptApiKeys: boolean,
    private readonly now: () => number,
    /** Told the field of every refusal (metrics). */
    private readonly onRefusal: (field: string) => void = () => {},
  ) {}

  /** Admits the call or throws general_rate_limit_exceeded (with retryAfter, in seconds). */
  async admit(limit: RateLimit, call: LimitedCall): Promise<void> {
    if (this.exemptApiKeys && call.context.caller.kind === 'key') return;
    const store = new AdmissionStore(this.windows, limit);
    const limiter = getGraphQLRateLimiter({
      store,
      identifyContext: (context: LimitedContext) => (limit.identityArgs ? ANY_CLIENT : callerIdentity(context)),
      formatError: ({ fieldName }) => `Rate limit for ${fieldName} has been exceeded. Please try again after some time.`,
    });
    const refusal = await limiter(call, { max: VERDICT_MAX, window: limit.window, identityArgs: limit.identityArgs ?? [], readOnly: true });
    const decision = store.decision!;
    call.context.rateLimitReport.record(limit, decision);
    if (refusal !== undefined) {
      this.onRefusal(call.info.fieldName);
      throw new AppwriteError('general_rate_limit_exceeded', refusal, { retryAfter: Math.max(1, Math.ceil((decision.resetAt - this.now()) / 1000)) });
    }
  }
}
