import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  importVerificationKeys,
  signJwt,
  verifyExternalJwt,
  verifyJwt,
  type ExternalAlgorithm,
  type JwtResult,
} from '../../src/auth/jwt.ts';

const SECRET = 'test-secret-with-enough-entropy-0123456789';
const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const NOW_SECONDS = NOW / 1000;
const HOUR = 3600;

const base64url = (text: string | Buffer): string => Buffer.from(text).toString('base64url');
const json = (value: unknown): string => base64url(JSON.stringify(value));

/** A token from raw segments, signed over `header.claims` by `signer` (unsigned when none). */
function rawToken(header: string, claims: string, signer?: (input: string) => Buffer): string {
  const input = `${header}.${claims}`;
  return `${input}.${signer ? base64url(signer(input)) : ''}`;
}

const hmac = (algorithm: string, secret: string | Buffer) => (input: string) =>
  createHmac(algorithm, secret).update(input).digest();

/** An HS256 token with any header and claims, signed with SECRET. */
function hs256Token(claims: object, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  return rawToken(json(header), json(claims), hmac('sha256', SECRET));
}

function asymmetricSigner(alg: ExternalAlgorithm, privateKey: KeyObject) {
  return (input: string) =>
    sign('sha256', Buffer.from(input), alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey);
}

function externalToken(alg: ExternalAlgorithm, privateKey: KeyObject, claims: object, kid?: string): string {
  return rawToken(json({ alg, typ: 'JWT', ...(kid && { kid }) }), json(claims), asymmetricSigner(alg, privateKey));
}

function flipFirstChar(text: string): string {
  return (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
}

function replaceSegment(token: string, index: number, value: string): string {
  const segments = token.split('.');
  segments[index] = value;
  return segments.join('.');
}

const failure = (reason: string) => ({ ok: false, reason });
const reasonOf = (result: JwtResult<object>) => (result.ok ? 'ok' : result.reason);

describe('signJwt / verifyJwt (HS256)', () => {
  const token = signJwt({ userId: 'u1', sessionId: 's1' }, SECRET, { expiresInSeconds: 900, now: NOW });

  it('round-trips the claims, adding iat and exp', () => {
    const result = verifyJwt<{ userId: string; sessionId: string }>(token, SECRET, { now: NOW });
    expect(result).toEqual({ ok: true, claims: { userId: 'u1', sessionId: 's1', iat: NOW_SECONDS, exp: NOW_SECONDS + 900 } });
  });

  it('writes a fixed HS256 header and unpadded base64url', () => {
    const [header] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('counts iat in whole seconds', () => {
    const result = verifyJwt(signJwt({}, SECRET, { expiresInSeconds: 60, now: NOW + 999 }), SECRET, { now: NOW + 999 });
    expect(result.ok && result.claims.iat).toBe(NOW_SECONDS);
  });

  describe('expiry, against the injected clock', () => {
    const expiresAt = (NOW_SECONDS + 900) * 1000;

    it('accepts a token up to the millisecond before exp', () => {
      expect(verifyJwt(token, SECRET, { now: expiresAt - 1 }).ok).toBe(true);
    });

    it('rejects it exactly at exp and after', () => {
      expect(verifyJwt(token, SECRET, { now: expiresAt })).toEqual(failure('expired'));
      expect(verifyJwt(token, SECRET, { now: expiresAt + HOUR * 1000 })).toEqual(failure('expired'));
    });

    it('extends validity by the leeway, again exclusive', () => {
      expect(verifyJwt(token, SECRET, { now: expiresAt + 29_999, leewaySeconds: 30 }).ok).toBe(true);
      expect(verifyJwt(token, SECRET, { now: expiresAt + 30_000, leewaySeconds: 30 })).toEqual(failure('expired'));
    });

    it('defaults to the current time', () => {
      expect(verifyJwt(token, SECRET)).toEqual(failure('expired'));
      expect(verifyJwt(signJwt({}, SECRET, { expiresInSeconds: 60 }), SECRET).ok).toBe(true);
    });
  });

  describe('nbf and iat', () => {
    const exp = NOW_SECONDS + HOUR;

    it('rejects a token before its nbf, accepts it from nbf on', () => {
      const notBefore = hs256Token({ nbf: NOW_SECONDS + 60, exp });
      expect(verifyJwt(notBefore, SECRET, { now: NOW })).toEqual(failure('not_yet_valid'));
      expect(verifyJwt(notBefore, SECRET, { now: NOW + 59_999 })).toEqual(failure('not_yet_valid'));
      expect(verifyJwt(notBefore, SECRET, { now: NOW + 60_000 }).ok).toBe(true);
      expect(verifyJwt(notBefore, SECRET, { now: NOW, leewaySeconds: 60 }).ok).toBe(true);
    });

    it('rejects a token issued in the future, beyond the leeway', () => {
      const future = hs256Token({ iat: NOW_SECONDS + 10, exp });
      expect(verifyJwt(future, SECRET, { now: NOW })).toEqual(failure('not_yet_valid'));
      expect(verifyJwt(future, SECRET, { now: NOW, leewaySeconds: 10 }).ok).toBe(true);
    });

    it.each([
      ['without exp', { iat: NOW_SECONDS }],
      ['with a string exp', { exp: String(exp) }],
      ['with a null exp', { exp: null }],
      ['with an infinite exp (1e999)', '{"exp":1e999}'],
      ['with a string nbf', { exp, nbf: 'now' }],
      ['with a boolean iat', { exp, iat: true }],
    ])('treats a token %s as malformed', (_, claims) => {
      const encoded = typeof claims === 'string' ? base64url(claims) : json(claims);
      expect(verifyJwt(rawToken(json({ alg: 'HS256' }), encoded, hmac('sha256', SECRET)), SECRET, { now: NOW })).toEqual(
        failure('malformed'),
      );
    });
  });

  describe('integrity', () => {
    it('rejects a tampered payload', () => {
      const forged = replaceSegment(token, 1, json({ userId: 'admin', sessionId: 's1', iat: NOW_SECONDS, exp: NOW_SECONDS + 900 }));
      expect(verifyJwt(forged, SECRET, { now: NOW })).toEqual(failure('signature'));
    });

    it('rejects a tampered signature', () => {
      expect(verifyJwt(replaceSegment(token, 2, flipFirstChar(token.split('.')[2]!)), SECRET, { now: NOW })).toEqual(
        failure('signature'),
      );
    });

    it('rejects a truncated or missing signature', () => {
      expect(verifyJwt(replaceSegment(token, 2, token.split('.')[2]!.slice(0, 42)), SECRET, { now: NOW }).ok).toBe(false);
      expect(verifyJwt(replaceSegment(token, 2, ''), SECRET, { now: NOW })).toEqual(failure('signature'));
    });

    it('rejects a token signed with another secret', () => {
      expect(verifyJwt(token, `${SECRET}x`, { now: NOW })).toEqual(failure('signature'));
    });
  });

  describe('algorithm: HS256 only, whatever the token says', () => {
    const claims = { sub: 'u1', exp: NOW_SECONDS + HOUR };
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' });

    it.each([
      ['alg none, unsigned', rawToken(json({ alg: 'none' }), json(claims))],
      ['alg none, HMAC-signed', rawToken(json({ alg: 'none' }), json(claims), hmac('sha256', SECRET))],
      ['alg hs256 (case)', hs256Token(claims, { alg: 'hs256' })],
      ['HS512 with the right secret', rawToken(json({ alg: 'HS512' }), json(claims), hmac('sha512', SECRET))],
      ['RS256, HMAC-signed with the secret', rawToken(json({ alg: 'RS256' }), json(claims), hmac('sha256', SECRET))],
      ['RS256, HMAC-signed with a public key as secret', rawToken(json({ alg: 'RS256' }), json(claims), hmac('sha256', publicPem))],
      ['no alg', hs256Token(claims, { typ: 'JWT' })],
      ['alg as a list', hs256Token(claims, { alg: ['HS256'] })],
    ])('rejects %s', (_, forged) => {
      expect(verifyJwt(forged, SECRET, { now: NOW })).toEqual(failure('algorithm'));
    });
  });

  describe('malformed tokens', () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];

    it.each([
      ['empty', ''],
      ['two segments', `${header}.${payload}`],
      ['four segments', `${token}.${signature}`],
      ['a character outside base64url', `${header}.${payload}!.${signature}`],
      ['a standard-base64 character (+ for -)', `${header}.+${payload.slice(1)}.${signature}`],
      ['padding', `${header}.${payload}=.${signature}`],
      // 43 characters carry 258 bits for 256: a final `B` sets a padding bit, so would decode like an `A`.
      ['non-zero padding bits', `${header}.${payload}.${signature.slice(0, -1)}B`],
      ['a payload that is not JSON', rawToken(header, base64url('{"exp":'), hmac('sha256', SECRET))],
      ['a JSON array payload', rawToken(header, json([1, 2]), hmac('sha256', SECRET))],
      ['a JSON null payload', rawToken(header, json(null), hmac('sha256', SECRET))],
      ['a JSON string header', rawToken(json('HS256'), payload, hmac('sha256', SECRET))],
      ['invalid UTF-8', rawToken(header, base64url(Buffer.from([0x7b, 0xff, 0x7d])), hmac('sha256', SECRET))],
      ['a crit header', hs256Token({ exp: NOW_SECONDS + HOUR }, { alg: 'HS256', crit: ['exp'] })],
    ])('rejects %s', (_, malformed) => {
      expect(verifyJwt(malformed, SECRET, { now: NOW })).toEqual(failure('malformed'));
    });
  });
});

describe('verifyExternalJwt (RS256, ES256)', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const claims = { sub: 'ext-user', iss: 'https://idp.example', aud: 'gateway', exp: NOW_SECONDS + HOUR };
  const jwk = (key: KeyObject, extra: object = {}) => ({ ...key.export({ format: 'jwk' }), ...extra });
  const jwks = importVerificationKeys({
    keys: [jwk(rsa.publicKey, { kid: 'rsa-1', alg: 'RS256', use: 'sig' }), jwk(ec.publicKey, { kid: 'ec-1' })],
  });
  const options = { now: NOW };

  describe('keys', () => {
    it('verifies RS256 against a PEM public key', () => {
      const keys = importVerificationKeys(rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string);
      expect(verifyExternalJwt(externalToken('RS256', rsa.privateKey, claims), keys, options)).toEqual({ ok: true, claims });
    });

    it('verifies ES256 (IEEE P1363 signature) against a single JWK', () => {
      const keys = importVerificationKeys(jwk(ec.publicKey));
      expect(verifyExternalJwt(externalToken('ES256', ec.privateKey, claims), keys, options)).toEqual({ ok: true, claims });
    });

    it('selects the key by kid in a JWKS', () => {
      expect(reasonOf(verifyExternalJwt(externalToken('RS256', rsa.privateKey, claims, 'rsa-1'), jwks, options))).toBe('ok');
      expect(reasonOf(verifyExternalJwt(externalToken('ES256', ec.privateKey, claims, 'ec-1'), jwks, options))).toBe('ok');
    });

    it('uses a lone key without kid for a token naming one', () => {
      const keys = importVerificationKeys(jwk(ec.publicKey));
      expect(reasonOf(verifyExternalJwt(externalToken('ES256', ec.privateKey, claims, 'rotated-7'), keys, options))).toBe('ok');
    });

    it('finds no key for an unknown kid, or for a token without kid among several keys', () => {
      expect(verifyExternalJwt(externalToken('RS256', rsa.privateKey, claims, 'rsa-9'), jwks, options)).toEqual(failure('unknown_key'));
      expect(verifyExternalJwt(externalToken('RS256', rsa.privateKey, claims), jwks, options)).toEqual(failure('unknown_key'));
      expect(verifyExternalJwt(externalToken('RS256', rsa.privateKey, claims), [], options)).toEqual(failure('unknown_key'));
    });

    it('rejects a token signed by another key under the same kid', () => {
      expect(verifyExternalJwt(externalToken('RS256', otherRsa.privateKey, claims, 'rsa-1'), jwks, options)).toEqual(
        failure('signature'),
      );
    });

    it('leaves encryption keys out of a JWKS', () => {
      const keys = importVerificationKeys({ keys: [jwk(rsa.publicKey, { kid: 'enc', use: 'enc' }), jwk(ec.publicKey, { kid: 'ec-1' })] });
      expect(keys.map((key) => key.kid)).toEqual(['ec-1']);
    });

    it('throws on an unreadable key, at configuration time', () => {
      expect(() => importVerificationKeys('-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----')).toThrow();
      expect(() => importVerificationKeys({ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' })).toThrow();
    });
  });

  describe('algorithm confusion', () => {
    const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const rsaOnly = importVerificationKeys(rsaPem);

    it.each([
      ['HS256 signed with the public key as HMAC secret', rawToken(json({ alg: 'HS256' }), json(claims), hmac('sha256', rsaPem))],
      ['alg none', rawToken(json({ alg: 'none' }), json(claims))],
      ['PS256', rawToken(json({ alg: 'PS256' }), json(claims), asymmetricSigner('RS256', rsa.privateKey))],
    ])('rejects %s', (_, forged) => {
      expect(verifyExternalJwt(forged, rsaOnly, options)).toEqual(failure('algorithm'));
    });

    it('rejects an algorithm the caller does not allow', () => {
      const token = externalToken('RS256', rsa.privateKey, claims);
      expect(verifyExternalJwt(token, rsaOnly, { ...options, algorithms: ['ES256'] })).toEqual(failure('algorithm'));
    });

    it('rejects a token whose alg does not fit the key it names', () => {
      // An ECDSA signature presented as RS256 against the EC key: the key type decides, not the token.
      const mislabelled = rawToken(json({ alg: 'RS256', kid: 'ec-1' }), json(claims), asymmetricSigner('ES256', ec.privateKey));
      expect(verifyExternalJwt(mislabelled, jwks, options)).toEqual(failure('algorithm'));
      expect(verifyExternalJwt(externalToken('ES256', ec.privateKey, claims, 'rsa-1'), jwks, options)).toEqual(failure('algorithm'));
    });

    it("honours a JWK's own alg", () => {
      const pssOnly = importVerificationKeys(jwk(rsa.publicKey, { alg: 'PS256' }));
      expect(verifyExternalJwt(externalToken('RS256', rsa.privateKey, claims), pssOnly, options)).toEqual(failure('algorithm'));
    });

    it('rejects RSA keys under 2048 bits', () => {
      const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const keys = importVerificationKeys(jwk(weak.publicKey));
      expect(verifyExternalJwt(externalToken('RS256', weak.privateKey, claims), keys, options)).toEqual(failure('algorithm'));
    });

    it('rejects a DER-encoded ES256 signature', () => {
      const der = rawToken(json({ alg: 'ES256', kid: 'ec-1' }), json(claims), (input) => sign('sha256', Buffer.from(input), ec.privateKey));
      expect(verifyExternalJwt(der, jwks, options)).toEqual(failure('signature'));
    });

    it('treats a non-string kid as malformed', () => {
      const token = rawToken(json({ alg: 'ES256', kid: 1 }), json(claims), asymmetricSigner('ES256', ec.privateKey));
      expect(verifyExternalJwt(token, jwks, options)).toEqual(failure('malformed'));
    });
  });

  describe('claims', () => {
    const verify = (tokenClaims: object, extra: object = {}) =>
      reasonOf(verifyExternalJwt(externalToken('ES256', ec.privateKey, tokenClaims, 'ec-1'), jwks, { ...options, ...extra }));

    it('checks the audience, as a string or among a list', () => {
      expect(verify(claims, { audience: 'gateway' })).toBe('ok');
      expect(verify({ ...claims, aud: ['other', 'gateway'] }, { audience: 'gateway' })).toBe('ok');
      expect(verify(claims, { audience: 'other' })).toBe('audience');
      expect(verify({ ...claims, aud: ['other'] }, { audience: 'gateway' })).toBe('audience');
      expect(verify({ ...claims, aud: undefined }, { audience: 'gateway' })).toBe('audience');
    });

    it('checks the issuer', () => {
      expect(verify(claims, { issuer: 'https://idp.example' })).toBe('ok');
      expect(verify(claims, { issuer: 'https://evil.example' })).toBe('issuer');
      expect(verify({ ...claims, iss: undefined }, { issuer: 'https://idp.example' })).toBe('issuer');
    });

    it('checks expiry and not-before like our own tokens', () => {
      expect(verify(claims, { now: claims.exp * 1000 })).toBe('expired');
      expect(verify({ ...claims, nbf: NOW_SECONDS + 60 })).toBe('not_yet_valid');
      expect(verify({ ...claims, exp: undefined })).toBe('malformed');
    });

    it('rejects a tampered payload', () => {
      const token = externalToken('ES256', ec.privateKey, claims, 'ec-1');
      const forged = replaceSegment(token, 1, json({ ...claims, sub: 'admin' }));
      expect(verifyExternalJwt(forged, jwks, options)).toEqual(failure('signature'));
    });
  });
});
