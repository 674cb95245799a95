import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { asGuest, asKey, jwtFor, PASSWORD, signUp, startIdentityGateway, type IdentityGateway } from './identity-fixtures.ts';

warnIfPostgresSkipped('account');

const SIGN_IN = 'mutation($e: String!, $p: String!) { accountCreateEmailPasswordSession(email: $e, password: $p) { _id userId secret current provider providerUid } }';
const ME = '{ accountGet { _id email emailVerification } }';

describe.each(PROVIDERS)('account operations on %s', (provider) => {
  let t: IdentityGateway;
  beforeAll(async () => {
    // The sign-in failure counter is under test here; Appwrite's 10 sign-ins per hour per email would fire first.
    t = await startIdentityGateway(provider, { RATE_LIMITS: '{"accountCreateEmailPasswordSession":false}' });
  });
  afterAll(async () => t?.close());

  it('signs a guest up and in; the secret reaches the guest only in the X-Appwrite-Session header', async () => {
    const created = await t.ok('mutation { accountCreate(userId: "ann", email: "Ann@Example.com", password: "correct horse battery", name: "Ann") { _id email } }', {}, asGuest);
    expect(created.accountCreate).toEqual({ _id: 'ann', email: 'ann@example.com' });
    const { body, headers } = await t.call(SIGN_IN, { e: 'ann@example.com', p: PASSWORD }, asGuest);
    expect(body.data.accountCreateEmailPasswordSession).toMatchObject({ userId: 'ann', secret: '', provider: 'email', providerUid: 'ann@example.com' });
    const secret = headers.get('x-appwrite-session');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(headers.get('cache-control')).toBe('no-store');
    const me = await t.ok(ME, {}, { 'x-appwrite-session': secret! });
    expect(me.accountGet).toEqual({ _id: 'ann', email: 'ann@example.com', emailVerification: false });
  });

  it('refuses a taken user ID', async () => {
    expect(await t.errorType('mutation { accountCreate(userId: "ann", email: "other@example.com", password: "correct horse battery") { _id } }', {}, asGuest)).toBe('user_already_exists');
  });

  it('returns the secret in the body to API-key callers, and no header', async () => {
    const { body, headers } = await t.call(SIGN_IN, { e: 'ann@example.com', p: PASSWORD }, asKey);
    const session = body.data.accountCreateEmailPasswordSession;
    expect(session.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(headers.get('x-appwrite-session')).toBeNull();
    expect((await t.ok(ME, {}, { 'x-appwrite-session': session.secret })).accountGet._id).toBe('ann');
  });

  it('answers a wrong password and an unknown email alike', async () => {
    expect(await t.errorType(SIGN_IN, { e: 'ann@example.com', p: 'wrong password' }, asGuest)).toBe('user_invalid_credentials');
    expect(await t.errorType(SIGN_IN, { e: 'nobody@example.com', p: PASSWORD }, asGuest)).toBe('user_invalid_credentials');
  });

  it('limits failed sign-ins per email, then refuses even the right password', async () => {
    await signUp(t, 'bob');
    for (let i = 0; i < 10; i++) expect(await t.errorType(SIGN_IN, { e: 'bob@example.com', p: `wrong ${i} password` }, asGuest)).toBe('user_invalid_credentials');
    expect(await t.errorType(SIGN_IN, { e: 'bob@example.com', p: PASSWORD }, asGuest)).toBe('general_rate_limit_exceeded');
    expect((await t.call(SIGN_IN, { e: 'ann@example.com', p: PASSWORD }, asGuest)).body.errors).toBeUndefined();
  });

  it('lists the sessions, marking the current one, and refuses a second sign-in from a session', async () => {
    const { session, sessionId } = await signUp(t, 'cat');
    await t.ok(SIGN_IN, { e: 'cat@example.com', p: PASSWORD }, asKey);
    const listed = (await t.ok('{ accountListSessions { total sessions { _id current userId } } }', {}, session)).accountListSessions;
    expect(listed.total).toBe(2);
    expect(listed.sessions.filter((s: { current: boolean }) => s.current).map((s: { _id: string }) => s._id)).toEqual([sessionId]);
    expect(await t.errorType(SIGN_IN, { e: 'cat@example.com', p: PASSWORD }, session)).toBe('user_session_already_exists');
  });

  it('deleting the current session ends its secret and its JWTs', async () => {
    const { session } = await signUp(t, 'dan');
    const jwt = await jwtFor(t, session);
    expect((await t.ok(ME, {}, { 'x-appwrite-jwt': jwt })).accountGet._id).toBe('dan');
    await t.ok('mutation { accountDeleteSession(sessionId: "current") { status } }', {}, session);
    // A stale session secret makes a guest, as Appwrite treats a stale cookie.
    expect(await t.errorType(ME, {}, session)).toBe('general_unauthorized_scope');
    expect(await t.errorType(ME, {}, { 'x-appwrite-jwt': jwt })).toBe('user_jwt_invalid');
  });

  it('deletes another of the own sessions by ID, but not somebody else\'s', async () => {
    const first = await signUp(t, 'eve');
    const other = await signUp(t, 'fay');
    expect(await t.errorType(`mutation { accountDeleteSession(sessionId: "${other.sessionId}") { status } }`, {}, first.session)).toBe('user_session_not_found');
    const second = (await t.ok(SIGN_IN, { e: 'eve@example.com', p: PASSWORD }, asKey)).accountCreateEmailPasswordSession;
    await t.ok(`mutation { accountDeleteSession(sessionId: "${second._id}") { status } }`, {}, first.session);
    expect(await t.errorType(ME, {}, { 'x-appwrite-session': second.secret })).toBe('general_unauthorized_scope');
    expect((await t.ok(ME, {}, first.session)).accountGet._id).toBe('eve');
  });

  it('keeps account operations from guests and API keys', async () => {
    expect(await t.errorType(ME, {}, asGuest)).toBe('general_unauthorized_scope');
    expect(await t.errorType(ME, {}, asKey)).toBe('general_unauthorized_scope');
    expect(await t.errorType('mutation { accountCreateJWT { jwt } }', {}, asGuest)).toBe('general_unauthorized_scope');
  });

  it('makes JWTs for users from a key with users.write, within 0..3600 s', async () => {
    const { sessionId } = await signUp(t, 'gus');
    const jwt = (await t.ok('mutation { usersCreateJWT(userId: "gus") { jwt } }', {}, asKey)).usersCreateJWT.jwt;
    expect(JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())).toMatchObject({ userId: 'gus', sessionId });
    expect((await t.ok(ME, {}, { authorization: `Bearer ${jwt}` })).accountGet._id).toBe('gus');
    expect(await t.errorType('mutation { usersCreateJWT(userId: "gus", duration: 3601) { jwt } }', {}, asKey)).toBe('general_argument_invalid');
    expect(await t.errorType('mutation { usersCreateJWT(userId: "gus", sessionId: "nope") { jwt } }', {}, asKey)).toBe('user_session_not_found');
    expect(await t.errorType('mutation { usersCreateJWT(userId: "nobody") { jwt } }', {}, asKey)).toBe('user_not_found');
    const { secret } = await t.gateway.services.apiKeys.create('reader', ['users.read']);
    expect(await t.errorType('mutation { usersCreateJWT(userId: "gus") { jwt } }', {}, { 'x-appwrite-key': secret })).toBe('general_unauthorized_scope');
  });
});
