import { getGraphQLRateLimiter, InMemoryStore, Store, type Identity } from 'graphql-rate-limit';
import type { GraphQLResolveInfo } from 'graphql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisWindowStore } from '../../src/rate-limit/redis-store.ts';
import { MemoryWindowStore, type WindowStore } from '../../src/rate-limit/store.ts';
import { startGateway, attachGateway, type TestGateway } from '../support/gateway.ts';
import { createAs, createNotes, REDIS_URL, uniquePrefix, userSession, warnIfRedisSkipped } from './support.ts';

warnIfRedisSkipped('rate-limit store atomicity');

const MAX = 20;
const CALLS = 100;

/** graphql-rate-limit's own Redis-like store: each read and write awaits a round trip. */
class RoundTripStore extends Store {
  private readonly inner = new InMemoryStore();
  override async setForIdentity(identity: Identity, timestamps: readonly number[]): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.inner.setForIdentity(identity, timestamps);
  }
  override async getForIdentity(identity: Identity): Promise<readonly number[]> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.inner.getForIdentity(identity);
  }
}

async function admittedByLibrary(store: Store): Promise<number> {
  const limiter = getGraphQLRateLimiter({ store, identifyContext: () => 'one-client' });
  const info = { fieldName: 'databasesCreateDocument' } as GraphQLResolveInfo;
  const refusals = await Promise.all(Array.from({ length: CALLS }, () => limiter({ parent: null, args: {}, context: {}, info }, { max: MAX, window: '60s' })));
  return refusals.filter((refusal) => refusal === undefined).length;
}

async function admittedByStore(store: WindowStore, key: string): Promise<number> {
  const decisions = await Promise.all(Array.from({ length: CALLS }, () => store.hit(key, { max: MAX, windowMs: 60_000 })));
  return decisions.filter((decision) => decision.allowed).length;
}

describe('graphql-rate-limit\'s read-then-write Store contract', () => {
  it('admits more than max of simultaneous calls, with its in-memory store and with an awaiting (Redis-like) store', async () => {
    expect(await admittedByLibrary(new InMemoryStore())).toBeGreaterThan(MAX);
    expect(await admittedByLibrary(new RoundTripStore())).toBeGreaterThan(MAX);
  });

  it('our in-memory store decides and records atomically: exactly max of simultaneous calls', async () => {
    expect(await admittedByStore(new MemoryWindowStore(Date.now), 'k')).toBe(MAX);
  });
});

describe.skipIf(!REDIS_URL)('the Redis store', () => {
  const clients: Redis[] = [];
  afterAll(() => clients.forEach((client) => client.disconnect()));

  it('admits exactly max of simultaneous calls spread over several connections (instances)', async () => {
    const prefix = uniquePrefix('atomic');
    const stores = Array.from({ length: 3 }, () => {
      const client = new Redis(REDIS_URL);
      clients.push(client);
      return new RedisWindowStore(client, prefix, Date.now);
    });
    const decisions = await Promise.all(Array.from({ length: CALLS }, (_, i) => stores[i % 3]!.hit('same-key', { max: MAX, windowMs: 60_000 })));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(MAX);
    expect(Math.min(...decisions.map((d) => d.remaining))).toBe(0);
  });

  describe('two gateways in this process sharing Redis and one database', () => {
    let a: TestGateway & { url: string };
    let b: TestGateway;
    let session: Record<string, string>;
    beforeAll(async () => {
      const env = { REDIS_URL, REDIS_KEY_PREFIX: uniquePrefix('in-process'), RATE_LIMITS: `{"databasesCreateDocument":{"max":${MAX}}}` };
      a = await startGateway('sqlite', env);
      b = await attachGateway('sqlite', a.url, env);
      await createNotes(a);
      session = await userSession(a, 'racer');
    });
    afterAll(async () => {
      await b.close();
      await a.close();
    });

    it('admit exactly max of simultaneous createDocuments from one user and IP', async () => {
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => createAs(i % 2 ? a : b, session)));
      expect(results.filter((type) => type === undefined)).toHaveLength(MAX);
      expect(results.filter((type) => type === 'general_rate_limit_exceeded')).toHaveLength(60 - MAX);
    });
  });
});

describe('one gateway without Redis', () => {
  it('admits exactly max of simultaneous createDocuments', async () => {
    const t = await startGateway('sqlite', { RATE_LIMITS: `{"databasesCreateDocument":{"max":${MAX}}}` });
    await createNotes(t);
    const session = await userSession(t, 'racer');
    const results = await Promise.all(Array.from({ length: 60 }, () => createAs(t, session)));
    expect(results.filter((type) => type === undefined)).toHaveLength(MAX);
    await t.close();
  });
});
