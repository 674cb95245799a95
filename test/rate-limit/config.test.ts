import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { clientIp, parseTrustProxy, rateLimitSubject } from '../../src/rate-limit/client-ip.ts';

const limits = (env: Record<string, string>) => loadConfig(env).rateLimits;

describe('rate-limit configuration', () => {
  it('defaults to Appwrite\'s numbers, API keys exempt', () => {
    const config = limits({});
    expect(config.exemptApiKeys).toBe(true);
    expect(config.limits.get('databasesCreateDocument')).toEqual({ max: 120, window: '60s', windowMs: 60_000 });
    expect(config.limits.get('accountCreateEmailPasswordSession')).toEqual({ max: 10, window: '1h', windowMs: 3_600_000, identityArgs: ['email'] });
  });

  it('RATE_LIMITS overrides max and window, false switches one off; RATE_LIMITS_ENABLED=false all', () => {
    const config = limits({ RATE_LIMITS: '{"databasesCreateDocument":{"max":500,"window":"2m"},"storageDeleteFile":false,"tokensUpdate":{"max":7}}' });
    expect(config.limits.get('databasesCreateDocument')).toEqual({ max: 500, window: '2m', windowMs: 120_000 });
    expect(config.limits.get('storageDeleteFile')).toBeNull();
    expect(config.limits.get('tokensUpdate')).toEqual({ max: 7, window: '60s', windowMs: 60_000 });
    expect(limits({ RATE_LIMITS_ENABLED: 'false' }).limits.size).toBe(0);
    expect(limits({ RATE_LIMITS_API_KEYS: 'limited' }).exemptApiKeys).toBe(false);
  });

  it.each([
    [{ RATE_LIMITS: 'not json' }, /RATE_LIMITS must be a JSON object/],
    [{ RATE_LIMITS: '[1]' }, /RATE_LIMITS must be a JSON object/],
    [{ RATE_LIMITS: '{"databasesCreateDocumnet":{"max":1}}' }, /no such write operation: databasesCreateDocumnet/],
    [{ RATE_LIMITS: '{"databasesCreateDocument":{"max":0}}' }, /databasesCreateDocument.max must be an integer/],
    [{ RATE_LIMITS: '{"databasesCreateDocument":{"max":1.5}}' }, /max must be an integer/],
    [{ RATE_LIMITS: '{"databasesCreateDocument":{"window":"1 minute"}}' }, /window must be a duration/],
    [{ RATE_LIMITS: '{"databasesCreateDocument":{"window":"10ms"}}' }, /window must be a duration from 1s/],
    [{ RATE_LIMITS: '{"databasesCreateDocument":{"identityArgs":["x"]}}' }, /may set only max and window/],
    [{ RATE_LIMITS: '{"databasesCreateDocument":true}' }, /must be false or an object/],
    [{ RATE_LIMITS_ENABLED: 'no' }, /RATE_LIMITS_ENABLED must be true or false/],
    [{ RATE_LIMITS_API_KEYS: 'yes' }, /RATE_LIMITS_API_KEYS must be exempt or limited/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY must list IP addresses or CIDR ranges/],
    [{ TRUST_PROXY: 'proxy.internal' }, /TRUST_PROXY/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('client IP', () => {
  const trusted = parseTrustProxy('10.0.0.0/8, 192.168.1.7, fd00::/8');

  it('is the socket address without TRUST_PROXY, whatever X-Forwarded-For says; loopback without a socket', () => {
    expect(clientIp('192.0.2.1', '203.0.113.5', null)).toBe('192.0.2.1');
    expect(clientIp('::ffff:192.0.2.1', null, null)).toBe('192.0.2.1');
    expect(clientIp(undefined, null, null)).toBe('127.0.0.1');
  });

  it('walks X-Forwarded-For from the right past trusted proxies only', () => {
    expect(clientIp('10.1.2.3', '203.0.113.5', trusted)).toBe('203.0.113.5');
    expect(clientIp('10.1.2.3', 'spoofed, 203.0.113.5, 192.168.1.7', trusted)).toBe('203.0.113.5');
    expect(clientIp('192.0.2.9', '203.0.113.5', trusted)).toBe('192.0.2.9');
    expect(clientIp('fd00::1', '2001:db8::7', trusted)).toBe('2001:db8::7');
    expect(clientIp('10.1.2.3', 'garbage', trusted)).toBe('10.1.2.3');
    expect(clientIp('127.0.0.1', '203.0.113.5', parseTrustProxy('loopback'))).toBe('203.0.113.5');
  });
});

describe('rate-limit subject of an address', () => {
  it('is an IPv4 address itself, and the /64 of an IPv6 address in any spelling', () => {
    expect(rateLimitSubject('203.0.113.5')).toBe('203.0.113.5');
    expect(rateLimitSubject('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSubject('2001:db8:1:2::7')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSubject('2001:0db8:0001:0002:0:0:0:1')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSubject('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitSubject('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitSubject('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateLimitSubject('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(rateLimitSubject('2001:db8:1:3::7')).not.toBe(rateLimitSubject('2001:db8:1:2::7'));
  });
});
