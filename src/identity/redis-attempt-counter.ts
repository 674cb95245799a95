import type { Redis } from 'ioredis';
import { defineScript, type SharedRedis } from '../redis/shared-redis.ts';
import type { AttemptCounter } from './attempt-limiter.ts';

/**
 * Sign-in failures counted on Redis, so every instance sees them: the same fixed window as the in-memory
 * counter (it starts at a key's first failure), with INCR and PEXPIRE in one script so no key is ever left
 * without its expiry. While Redis is down, `local` counts (see SharedRedis).
 */
const RECORD_FAILURE = `
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return failures
`;

type RecordCommand = (key: string, windowMs: number) => Promise<number>;

export class RedisAttemptCounter implements AttemptCounter {
  private readonly client: Redis;
  private readonly recordFailure: RecordCommand;

  constructor(
    private readonly redis: SharedRedis,
    private readonly windowMs: number,
    private readonly local: AttemptCounter,
  ) {
    this.client = redis.client;
    this.recordFailure = defineScript<RecordCommand>(this.client, 'gatewayRecordFailure', RECORD_FAILURE);
  }

  count(key: string): Promise<number> {
    return this.redis.preferShared(async () => Number((await this.client.get(this.keyOf(key))) ?? 0), () => this.local.count(key));
  }

  record(key: string): Promise<void> {
    return this.redis.preferShared(async () => void (await this.recordFailure(this.keyOf(key), this.windowMs)), () => this.local.record(key));
  }

  private keyOf(key: string): string {
    return `${this.redis.keyPrefix}attempts:${key}`;
  }
}
