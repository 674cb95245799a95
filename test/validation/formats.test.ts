import { describe, expect, it } from 'vitest';
import { isValidEmail, isValidIp, isValidUrl } from '../../src/validation/formats.ts';

describe('isValidEmail', () => {
  it.each([
    'user@example.com',
    'a@b.co',
    'first.last+tag@sub.example.co.uk',
    "o'neil@example.org",
    'UPPER@EXAMPLE.COM',
    "!#$%&'*+/=?^_`{|}~-@example.com",
    'x@xn--bcher-kva.example',
    'x@example.xn--p1ai',
    'user@my-host.example',
    'user@123.example.com',
    `${'l'.repeat(64)}@example.com`,
    `u@${'d'.repeat(63)}.com`,
  ])('accepts %s', (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  it.each([
    '',
    'plain',
    '@example.com',
    'user@',
    'user@localhost',
    'user@example',
    'user@example.',
    'user@.example.com',
    'user@example..com',
    'user..x@example.com',
    '.user@example.com',
    'user.@example.com',
    'user@-example.com',
    'user@example-.com',
    'user@exa_mple.com',
    'user@example.123',
    'user@example.1com',
    'us er@example.com',
    'user@exam ple.com',
    'üser@example.com',
    'user@bücher.de',
    'a@b@example.com',
    '"quoted"@example.com',
    'user@[127.0.0.1]',
    `${'l'.repeat(65)}@example.com`,
    `u@${'d'.repeat(64)}.com`,
  ])('rejects %j', (email) => {
    expect(isValidEmail(email)).toBe(false);
  });

  it('limits the whole address to 254 chars', () => {
    const domain = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.com`; // 195 chars
    expect(isValidEmail(`${'l'.repeat(58)}@${domain}`)).toBe(true); // 254
    expect(isValidEmail(`${'l'.repeat(59)}@${domain}`)).toBe(false); // 255
  });
});

describe('isValidUrl', () => {
  it.each([
    'http://example.com',
    'https://example.com/',
    'https://example.com/path/to?q=1&r=%20#frag',
    'https://user:pass@example.com:8080/x',
    'HTTPS://EXAMPLE.COM',
    'http://localhost',
    'http://localhost:3000/api',
    'http://127.0.0.1:3000',
    'http://[::1]:8080/',
    'http://[2001:db8::1]/',
    'http://example.com.',
    'http://my-host.example.com',
    'ftp://files.example.com/a.txt',
    'ws://example.com/socket',
    'custom+scheme://anything_goes.here',
    'mailto:someone@example.com',
    'news:comp.lang.php',
    'file:///etc/hosts',
  ])('accepts %s', (url) => {
    expect(isValidUrl(url)).toBe(true);
  });

  it.each([
    '',
    'example.com',
    '//example.com',
    '/relative/path',
    'http:example.com',
    'http:/example.com',
    'http://',
    'http:///path',
    'http://:80',
    'http://user@',
    'http://exa mple.com',
    ' http://example.com',
    'http://exa_mple.com',
    'http://-example.com',
    'http://example-.com',
    'http://example..com',
    'http://example.com:99999',
    'http://example.com:port',
    'http://[::g]/',
    'http://[127.0.0.1]/',
    'https://bücher.de',
    'http://example.com/ä',
    `http://${'a'.repeat(64)}.com`,
    'foo:bar',
    'javascript:alert(1)',
    'ftp://',
  ])('rejects %j', (url) => {
    expect(isValidUrl(url)).toBe(false);
  });
});

describe('isValidIp', () => {
  it.each(['127.0.0.1', '0.0.0.0', '255.255.255.255', '192.0.2.0', '::', '::1', '2001:db8::8a2e:370:7334', 'FE80::1', '::ffff:192.0.2.1'])(
    'accepts %s',
    (ip) => {
      expect(isValidIp(ip)).toBe(true);
    },
  );

  it.each(['', 'localhost', '256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', ' 1.2.3.4', '1.2.3.4/24', '::g', '2001:db8:::1', 'fe80::1%eth0', '[::1]'])(
    'rejects %j',
    (ip) => {
      expect(isValidIp(ip)).toBe(false);
    },
  );
});
