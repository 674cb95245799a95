import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineScript, type SharedRedis } from '../redis/shared-redis.ts';
import type { Decision, WindowLimit, WindowStore } from './store.ts';

/**
 * Budgets shared by every instance on one Redis: a sorted set of admitted calls' times per key. The script
 * prunes, counts, decides and records in one step — Redis runs a script alone — so of simultaneous calls from
 * any number of instances exactly `max` are admitted per window. Times come from the calling instance's clock
 * (injectable in tests); instances are expected to keep their clocks in step (NTP).
 */
const SLIDING_WINDOW_HIT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < max then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  count = count + 1
  allowed = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
return {allowed, count, tonumber(oldest or now) + window}
`;

type HitCommand = (key: string, now: number, windowMs: number, max: number, member: string) => Promise<[number, number, number]>;

export class RedisWindowStore implements WindowStore {
  /** Makes set members unique: two calls in the same millisecond must both count. */
  private readonly instance = randomBytes(6).toString('base64url');
  private sequence = 0;
  private readonly command: HitCommand;

  constructor(
    client: Redis,
    private readonly keyPrefix: string,
    private readonly now: () => number,
  ) {
    this.command = defineScript<HitCommand>(client, 'gatewayRateLimitHit', SLIDING_WINDOW_HIT);
  }

  async hit(key: string, { max, windowMs }: WindowLimit): Promise<Decision> {
    const now = this.now();
    const [allowed, count, resetAt] = await this.command(`${this.keyPrefix}rl:${key}`, now, windowMs, max, `${now}:${this.instance}:${this.sequence++}`);
    return { allowed: allowed === 1, remaining: max - count, resetAt };
  }
}

/** The Redis budgets while Redis answers; this process's own while it does not (see SharedRedis). */
export class FallbackWindowStore implements WindowStore {
  constructor(
    private readonly redis: SharedRedis,
    private readonly shared: WindowStore,
    private readonly local: WindowStore,
  ) {}

  hit(key: string, limit: WindowLimit): Promise<Decision> {
    return this.redis.preferShared(() => this.shared.hit(key, limit), () => this.local.hit(key, limit));
  }
}
