import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { asKey, jwtFor, signUp, startIdentityGateway, type IdentityGateway } from './identity-fixtures.ts';

warnIfPostgresSkipped('user authentication');

const ME = '{ accountGet { _id } }';
const ISSUER = 'https://idp.test';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const JWKS = JSON.stringify({
  keys: [
    { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', alg: 'RS256' },
    { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256' },
  ],
});

/** An identity provider's token, signed with a key made above. */
function externalToken(alg: 'RS256' | 'ES256', claims: Record<string, unknown>, key: KeyObject = alg === 'RS256' ? rsa.privateKey : ec.privateKey): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg, typ: 'JWT', kid: alg === 'RS256' ? 'rsa-1' : 'ec-1' })}.${encode({ iss: ISSUER, exp: Math.floor(Date.now() / 1000) + 7200, ...claims })}`;
  const signature = sign('sha256', Buffer.from(input), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${signature.toString('base64url')}`;
}

const docs = (collectionId: string) => `{ databasesListDocuments(databaseId: "db", collectionId: "${collectionId}") { total documents { _id } } }`;

describe.each(PROVIDERS)('who is calling, on %s', (provider) => {
  let t: IdentityGateway;
  let ann: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    t = await startIdentityGateway(provider, { JWKS, JWT_USER_ID_CLAIM: 'uid', JWT_ISSUER: ISSUER });
    ann = await signUp(t, 'ann');
    await t.ok('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }', {}, asKey);
    const collection = (id: string, permissions: string[], documentSecurity: boolean) =>
      t.ok(`mutation($p: [String!], $s: Boolean) { databasesCreateCollection(databaseId: "db", collectionId: "${id}", name: "${id}", permissions: $p, documentSecurity: $s) { _id } }`, { p: permissions, s: documentSecurity }, asKey);
    await collection('verified', ['read("users/verified")'], false);
    await collection('labelled', ['read("label:editor")'], false);
    await collection('notes', ['create("users")'], true);
    await t.ok('mutation { databasesCreateStringAttribute(databaseId: "db", collectionId: "notes", key: "text", size: 20, required: false) { key } }', {}, asKey);
  });
  afterAll(async () => t?.close());

  it('API keys act within their scopes', async () => {
    const { secret } = await t.gateway.services.apiKeys.create('docs', ['documents.read']);
    expect(await t.errorType('mutation { databasesCreate(databaseId: "x", name: "x") { _id } }', {}, { 'x-appwrite-key': secret })).toBe('general_unauthorized_scope');
    expect((await t.ok(docs('verified'), {}, { 'x-appwrite-key': secret })).databasesListDocuments.total).toBe(0);
  });

  it('refuses an API key sent together with a session or a JWT', async () => {
    expect(await t.errorType(ME, {}, { ...asKey, ...ann.session })).toBe('user_api_key_and_session_set');
    expect(await t.errorType(ME, {}, { ...asKey, 'x-appwrite-jwt': await jwtFor(t, ann.session) })).toBe('user_api_key_and_session_set');
  });

  it('accepts a JWT in X-Appwrite-JWT or Authorization: Bearer until it expires', async () => {
    const jwt = await jwtFor(t, ann.session);
    expect((await t.ok(ME, {}, { 'x-appwrite-jwt': jwt })).accountGet._id).toBe('ann');
    expect((await t.ok(ME, {}, { authorization: `Bearer ${jwt}` })).accountGet._id).toBe('ann');
    t.advance(15 * 60 * 1000);
    expect(await t.errorType(ME, {}, { 'x-appwrite-jwt': jwt })).toBe('user_jwt_invalid');
  });

  it('refuses tampered and malformed JWTs', async () => {
    const [header, claims, signature] = (await jwtFor(t, ann.session)).split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims, 'base64url').toString()), userId: 'root' })).toString('base64url');
    for (const token of [`${header}.${forged}.${signature}`, `${header}.${claims}.${signature.slice(0, -2)}AA`, 'not-a-jwt', `${header}.${claims}`]) {
      expect(await t.errorType(ME, {}, { 'x-appwrite-jwt': token })).toBe('user_jwt_invalid');
    }
  });

  it('gives verified and unverified users their roles', async () => {
    expect(await t.errorType(docs('verified'), {}, ann.session)).toBe('user_unauthorized');
    await t.ok('mutation { usersUpdateEmailVerification(userId: "ann", emailVerification: true) { _id } }', {}, asKey);
    expect((await t.ok(docs('verified'), {}, ann.session)).databasesListDocuments.total).toBe(0);
  });

  it('applies a label change from the next request', async () => {
    expect(await t.errorType(docs('labelled'), {}, ann.session)).toBe('user_unauthorized');
    await t.ok('mutation { usersUpdateLabels(userId: "ann", labels: ["editor"]) { _id } }', {}, asKey);
    expect((await t.ok(docs('labelled'), {}, ann.session)).databasesListDocuments.total).toBe(0);
    await t.ok('mutation { usersUpdateLabels(userId: "ann", labels: []) { _id } }', {}, asKey);
    expect(await t.errorType(docs('labelled'), {}, ann.session)).toBe('user_unauthorized');
  });

  it('refuses a blocked user everywhere, and a deleted one\'s JWTs', async () => {
    const bob = await signUp(t, 'bob');
    const jwt = await jwtFor(t, bob.session);
    await t.ok('mutation { usersUpdateStatus(userId: "bob", status: false) { _id } }', {}, asKey);
    expect(await t.errorType(ME, {}, bob.session)).toBe('user_blocked');
    expect(await t.errorType(ME, {}, { 'x-appwrite-jwt': jwt })).toBe('user_blocked');
    expect(await t.errorType('mutation { accountCreateEmailPasswordSession(email: "bob@example.com", password: "correct horse battery") { _id } }', {}, {})).toBe('user_blocked');
    await t.ok('mutation { usersDelete(userId: "bob") { status } }', {}, asKey);
    expect(await t.errorType(ME, {}, { 'x-appwrite-jwt': jwt })).toBe('user_jwt_invalid');
    expect(await t.errorType(ME, {}, bob.session)).toBe('general_unauthorized_scope');
    // A new user with the same ID inherits nothing of the deleted one's sessions.
    await t.ok('mutation { usersCreate(userId: "bob", email: "bob2@example.com", password: "another password") { _id } }', {}, asKey);
    expect(await t.errorType(ME, {}, { 'x-appwrite-jwt': jwt })).toBe('user_jwt_invalid');
    expect(await t.errorType(ME, {}, bob.session)).toBe('general_unauthorized_scope');
  });

  it('gives a user-created document read, update and delete for its creator only', async () => {
    const cat = await signUp(t, 'cat');
    const created = await t.ok('mutation { databasesCreateDocument(databaseId: "db", collectionId: "notes", documentId: "n1", data: {text: "mine"}) { _permissions } }', {}, ann.session);
    expect(created.databasesCreateDocument._permissions).toEqual(['read("user:ann")', 'update("user:ann")', 'delete("user:ann")']);
    const get = '{ databasesGetDocument(databaseId: "db", collectionId: "notes", documentId: "n1") { _id } }';
    expect((await t.ok(get, {}, ann.session)).databasesGetDocument._id).toBe('n1');
    expect(await t.errorType(get, {}, cat.session)).toBe('document_not_found');
    expect((await t.ok(docs('notes'), {}, cat.session)).databasesListDocuments.total).toBe(0);
    await t.ok('mutation { databasesUpdateDocument(databaseId: "db", collectionId: "notes", documentId: "n1", data: {text: "edited"}) { _id } }', {}, ann.session);
    await t.ok('mutation { databasesDeleteDocument(databaseId: "db", collectionId: "notes", documentId: "n1") { status } }', {}, ann.session);
  });

  it.each(['RS256', 'ES256'] as const)('accepts the identity provider\'s %s tokens naming an existing user', async (alg) => {
    expect((await t.ok(ME, {}, { authorization: `Bearer ${externalToken(alg, { uid: 'ann' })}` })).accountGet._id).toBe('ann');
    expect(await t.errorType(ME, {}, { authorization: `Bearer ${externalToken(alg, { uid: 'nobody' })}` })).toBe('user_jwt_invalid');
    expect(await t.errorType(ME, {}, { authorization: `Bearer ${externalToken(alg, { uid: 'ann', iss: 'https://other.test' })}` })).toBe('user_jwt_invalid');
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(await t.errorType(ME, {}, { 'x-appwrite-jwt': externalToken('ES256', { uid: 'ann' }, alg === 'ES256' ? stranger : rsa.privateKey) })).toBe('user_jwt_invalid');
  });
});
