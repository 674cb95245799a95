import { createHmac, createPublicKey, timingSafeEqual, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * JSON Web Tokens (RFC 7519), verified strictly: our own tokens are HS256 only; an external identity provider's
 * are RS256 or ES256 against configured public keys. The algorithm a token names must be one the caller allows
 * and fit the key's type, so a token can never choose how it is checked (`none`, HS256 signed with a public key).
 * `exp` is required; `nbf` and `iat` must not lie in the future; times are checked against an injectable clock.
 * Verification reports why a token failed and never throws.
 */

export type JwtFailure =
  | 'malformed'
  | 'algorithm'
  | 'signature'
  | 'expired'
  | 'not_yet_valid'
  | 'unknown_key'
  | 'audience'
  | 'issuer';

/** The time claims verification has checked; the rest of a token's claims are the caller's `C`, unchecked. */
export interface TimeClaims {
  exp: number;
  iat?: number;
  nbf?: number;
}

export type JwtResult<C extends object> = { ok: true; claims: C & TimeClaims } | { ok: false; reason: JwtFailure };

export interface SignJwtOptions {
  expiresInSeconds: number;
  /** Epoch milliseconds; defaults to the current time. */
  now?: number;
}

export interface VerifyJwtOptions {
  /** Epoch milliseconds; defaults to the current time. */
  now?: number;
  /** Tolerated clock difference for `exp`, `nbf` and `iat`; none by default. */
  leewaySeconds?: number;
}

export type ExternalAlgorithm = 'RS256' | 'ES256';

export interface VerifyExternalJwtOptions extends VerifyJwtOptions {
  algorithms?: readonly ExternalAlgorithm[];
  audience?: string;
  issuer?: string;
}

export interface VerificationKey {
  key: KeyObject;
  kid?: string;
  /** When the key says which algorithm it is for (JWK `alg`), tokens must use that one. */
  alg?: string;
}

export interface JsonWebKeySet {
  keys: JsonWebKey[];
}

type JsonObject = Record<string, unknown>;

interface ParsedJwt {
  header: JsonObject;
  claims: JsonObject;
  signingInput: string;
  signature: Buffer;
}

const HS256_HEADER = { alg: 'HS256', typ: 'JWT' };
const EXTERNAL_ALGORITHMS: readonly ExternalAlgorithm[] = ['RS256', 'ES256'];
const MIN_RSA_MODULUS_BITS = 2048; // RFC 7518 §3.3
const KEY_FITS: Record<ExternalAlgorithm, (key: KeyObject) => boolean> = {
  RS256: (key) => key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_MODULUS_BITS,
  ES256: (key) => key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1',
};
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Signs `claims` with HS256, adding `iat` and `exp` (which callers therefore cannot pass). */
export function signJwt<C extends object>(
  claims: C & { iat?: never; exp?: never },
  secret: string,
  { expiresInSeconds, now = Date.now() }: SignJwtOptions,
): string {
  const iat = Math.floor(now / 1000);
  const signingInput = `${encodeJson(HS256_HEADER)}.${encodeJson({ ...claims, iat, exp: iat + expiresInSeconds })}`;
  return `${signingInput}.${hmacSha256(signingInput, secret).toString('base64url')}`;
}

export function verifyJwt<C extends object = JsonObject>(token: string, secret: string, options: VerifyJwtOptions = {}): JwtResult<C> {
  const jwt = parseJwt(token);
  if (!jwt) return fail('malformed');
  if (jwt.header.alg !== 'HS256') return fail('algorithm');
  if (!constantTimeEqual(jwt.signature, hmacSha256(jwt.signingInput, secret))) return fail('signature');
  return settle<C>(jwt.claims, checkTimes(jwt.claims, options));
}

/** Verifies an identity provider's token against its public keys (see importVerificationKeys). No network access. */
export function verifyExternalJwt<C extends object = JsonObject>(
  token: string,
  keys: readonly VerificationKey[],
  options: VerifyExternalJwtOptions = {},
): JwtResult<C> {
  const jwt = parseJwt(token);
  if (!jwt) return fail('malformed');
  const { alg, kid } = jwt.header;
  if (!isAllowed(alg, options.algorithms ?? EXTERNAL_ALGORITHMS)) return fail('algorithm');
  if (kid !== undefined && typeof kid !== 'string') return fail('malformed');
  const key = selectKey(keys, kid);
  if (!key) return fail('unknown_key');
  if ((key.alg !== undefined && key.alg !== alg) || !KEY_FITS[alg](key.key)) return fail('algorithm');
  if (!verifyAsymmetric(jwt, alg, key.key)) return fail('signature');
  return settle<C>(jwt.claims, checkTimes(jwt.claims, options) ?? checkAudienceAndIssuer(jwt.claims, options));
}

/**
 * Public keys from configuration: a PEM (public key, certificate or private key), one JWK, or a JWKS. Throws on a
 * key that cannot be read, so a misconfiguration shows at startup. JWKS keys meant for encryption are left out.
 */
export function importVerificationKeys(source: string | JsonWebKey | JsonWebKeySet): VerificationKey[] {
  if (typeof source === 'string') return [{ key: createPublicKey(source) }];
  const jwks = isKeySet(source) ? source.keys : [source];
  return jwks.filter((jwk) => jwk.use === undefined || jwk.use === 'sig').map(importJwk);
}

function isKeySet(source: JsonWebKey | JsonWebKeySet): source is JsonWebKeySet {
  return Array.isArray(source.keys);
}

function importJwk(jwk: JsonWebKey): VerificationKey {
  return {
    key: createPublicKey({ key: jwk, format: 'jwk' }),
    kid: typeof jwk.kid === 'string' ? jwk.kid : undefined,
    alg: typeof jwk.alg === 'string' ? jwk.alg : undefined,
  };
}

/**
 * The key a token names by `kid`. Failing that, a lone key: for a token without `kid`, or when the lone key has
 * none itself (say, one configured PEM). Several keys and no match is ambiguous: no key.
 */
function selectKey(keys: readonly VerificationKey[], kid: string | undefined): VerificationKey | undefined {
  const named = kid === undefined ? undefined : keys.find((key) => key.kid === kid);
  if (named) return named;
  const lone = keys.length === 1 ? keys[0] : undefined;
  return kid === undefined || lone?.kid === undefined ? lone : undefined;
}

function verifyAsymmetric(jwt: ParsedJwt, alg: ExternalAlgorithm, key: KeyObject): boolean {
  // JWS carries ECDSA signatures as raw r‖s (IEEE P1363), not DER.
  const keyInput = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  return verify('sha256', Buffer.from(jwt.signingInput), keyInput, jwt.signature);
}

function parseJwt(token: string): ParsedJwt | null {
  const segments = token.split('.');
  if (segments.length !== 3) return null;
  const [headerSegment, claimsSegment, signatureSegment] = segments as [string, string, string];
  const header = decodeJsonObject(headerSegment);
  const claims = decodeJsonObject(claimsSegment);
  const signature = decodeBase64Url(signatureSegment);
  // `crit` names header extensions the verifier must understand (RFC 7515 §4.1.11): we understand none.
  if (!header || !claims || !signature || 'crit' in header) return null;
  return { header, claims, signingInput: `${headerSegment}.${claimsSegment}`, signature };
}

function decodeJsonObject(segment: string): JsonObject | null {
  const bytes = decodeBase64Url(segment);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
  } catch {
    return null;
  }
}

/** Only canonical unpadded base64url: Node's decoder skips stray characters, and one token must have one spelling. */
function decodeBase64Url(segment: string): Buffer | null {
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.toString('base64url') === segment ? bytes : null;
}

function checkTimes(claims: JsonObject, { now = Date.now(), leewaySeconds = 0 }: VerifyJwtOptions): JwtFailure | null {
  const { exp, nbf, iat } = claims;
  if (!isFiniteNumber(exp) || !isOptionalFiniteNumber(nbf) || !isOptionalFiniteNumber(iat)) return 'malformed';
  const seconds = now / 1000;
  // A token is valid strictly before its `exp` (RFC 7519 §4.1.4).
  if (seconds >= exp + leewaySeconds) return 'expired';
  const startsAt = Math.max(nbf ?? -Infinity, iat ?? -Infinity);
  if (startsAt > seconds + leewaySeconds) return 'not_yet_valid';
  return null;
}

function checkAudienceAndIssuer(claims: JsonObject, { audience, issuer }: VerifyExternalJwtOptions): JwtFailure | null {
  if (audience !== undefined && ![claims.aud].flat().includes(audience)) return 'audience';
  if (issuer !== undefined && claims.iss !== issuer) return 'issuer';
  return null;
}

function settle<C extends object>(claims: JsonObject, failure: JwtFailure | null): JwtResult<C> {
  return failure ? fail(failure) : { ok: true, claims: claims as C & TimeClaims };
}

function fail(reason: JwtFailure): { ok: false; reason: JwtFailure } {
  return { ok: false, reason };
}

function isAllowed(alg: unknown, allowed: readonly ExternalAlgorithm[]): alg is ExternalAlgorithm {
  return (allowed as readonly unknown[]).includes(alg);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isOptionalFiniteNumber(value: unknown): value is number | undefined {
  return value === undefined || isFiniteNumber(value);
}

function hmacSha256(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

/** Lengths are public (a SHA-256 MAC is always 32 bytes); only the content comparison must not leak timing. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function encodeJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
