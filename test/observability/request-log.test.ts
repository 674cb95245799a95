import { randomBytes } from 'node:crypto';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskInternalError } from '../../src/observability/internal-errors.ts';
import { requestLogPlugin } from '../../src/observability/request-log-plugin.ts';
import { ROOT_KEY } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { asKey, startStorageGateway, type StorageGateway } from '../support/storage-gateway.ts';
import { captureLogs, type CapturedLogs } from './capture-logs.ts';

warnIfPostgresSkipped('request log');

const PASSWORD = 'a-password-that-must-never-be-logged';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(PROVIDERS)('the request log on %s', (provider) => {
  let s: StorageGateway;
  let logs: CapturedLogs;
  /** Every credential the tests send or receive: none may appear in the log. */
  const secrets: string[] = [ROOT_KEY, PASSWORD];

  /** A GraphQL POST with its response headers, as the HTTP server answers it. */
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${s.url}/v1/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { response, body: (await response.json()) as any };
  };
  const lineOf = (requestId: string) => {
    const found = logs.lines().filter((line) => line['msg'] === 'request' && line['requestId'] === requestId);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    // debug: Yoga's own lines are captured (and checked for secrets) too.
    logs = captureLogs('debug');
    s = await startStorageGateway(provider, { RATE_LIMITS: '{"accountCreateEmailPasswordSession":false}' }, logs.logger);
    await s.ok(`mutation { usersCreate(userId: "ann", email: "ann@example.com", password: "${PASSWORD}") { _id } }`);
  });
  afterAll(async () => s?.close());

  it('logs an API-key operation with the incoming request ID, echoed on the response', async () => {
    const { response } = await post({ query: 'query ListDatabases { databasesList { total } }' }, { ...asKey, 'x-request-id': 'proxy-trace.42_a' });
    expect(response.headers.get('x-request-id')).toBe('proxy-trace.42_a');
    expect(lineOf('proxy-trace.42_a')).toMatchObject({
      level: 'info',
      method: 'POST',
      path: '/v1/graphql',
      operationName: 'ListDatabases',
      operationType: 'query',
      callerKind: 'key',
      status: 200,
      errorTypes: [],
    });
    expect(lineOf('proxy-trace.42_a')['durationMs']).toBeTypeOf('number');
  });

  it('generates a request ID when none or an unusable one comes in', async () => {
    for (const incoming of [undefined, 'has spaces', 'x'.repeat(129), 'quote"d', '']) {
      const { response } = await post({ query: '{ databasesList { total } }' }, { ...asKey, ...(incoming === undefined ? {} : { 'x-request-id': incoming }) });
      const requestId = response.headers.get('x-request-id')!;
      expect(requestId).toMatch(UUID);
      expect(lineOf(requestId)).toMatchObject({ operationName: null, operationType: 'query', callerKind: 'key' });
    }
    const longest = 'a'.repeat(128);
    expect((await post({ query: '{ databasesList { total } }' }, { ...asKey, 'x-request-id': longest })).response.headers.get('x-request-id')).toBe(longest);
  });

  it('logs a sign-in as a guest without its password, and the session and JWT callers as users', async () => {
    const signIn = await post(
      { query: 'mutation SignIn($email: String!, $password: String!) { accountCreateEmailPasswordSession(email: $email, password: $password) { _id } }', variables: { email: 'ann@example.com', password: PASSWORD } },
      { 'x-request-id': 'sign-in' },
    );
    const session = signIn.response.headers.get('x-appwrite-session')!;
    expect(session).toBeTruthy();
    secrets.push(session);
    expect(lineOf('sign-in')).toMatchObject({ operationName: 'SignIn', operationType: 'mutation', callerKind: 'guest', status: 200, errorTypes: [] });

    const jwtAnswer = await post({ query: 'mutation MakeJwt { accountCreateJWT { jwt } }' }, { 'x-appwrite-session': session, 'x-request-id': 'make-jwt' });
    const jwt = jwtAnswer.body.data.accountCreateJWT.jwt as string;
    secrets.push(jwt);
    expect(lineOf('make-jwt')).toMatchObject({ operationName: 'MakeJwt', callerKind: 'user' });

    await post({ query: 'query Me { accountGet { _id } }' }, { 'x-appwrite-jwt': jwt, 'x-request-id': 'by-jwt' });
    await post({ query: 'query Me { accountGet { _id } }' }, { authorization: `Bearer ${jwt}`, 'x-request-id': 'by-bearer' });
    expect(lineOf('by-jwt')).toMatchObject({ operationName: 'Me', callerKind: 'user', errorTypes: [] });
    expect(lineOf('by-bearer')).toMatchObject({ operationName: 'Me', callerKind: 'user', errorTypes: [] });
  });

  it('logs the Appwrite error types of a failing operation, and of a refused credential', async () => {
    const missing = await post({ query: 'query Missing { databasesGet(databaseId: "nope") { _id } }' }, { ...asKey, 'x-request-id': 'missing' });
    expect(missing.body.errors[0].extensions.type).toBe('database_not_found');
    expect(lineOf('missing')).toMatchObject({ operationName: 'Missing', callerKind: 'key', status: missing.response.status, errorTypes: ['database_not_found'] });

    const forged = `${randomBytes(12).toString('base64url')}.${randomBytes(24).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    secrets.push(forged);
    const refused = await post({ query: 'query Me { accountGet { _id } }' }, { 'x-appwrite-jwt': forged, 'x-request-id': 'forged' });
    expect(lineOf('forged')).toMatchObject({ operationName: 'Me', callerKind: null, status: refused.response.status, errorTypes: ['user_jwt_invalid'] });
  });

  it('logs each operation of a batch, and a refused batch', async () => {
    const ops = [{ query: 'query First { databasesList { total } }' }, { query: 'mutation Second { databasesCreate(databaseId: "logged", name: "logged") { _id } }' }, { query: '{ databasesList { total } }' }];
    await post(ops, { ...asKey, 'x-request-id': 'batch' });
    expect(lineOf('batch')).toMatchObject({ operationName: ['First', 'Second', null], operationType: ['query', 'mutation', 'query'], callerKind: 'key', errorTypes: [] });
    const tooMany = await post(Array.from({ length: 11 }, () => ops[0]), { ...asKey, 'x-request-id': 'too-many' });
    expect(lineOf('too-many')).toMatchObject({ status: tooMany.response.status, errorTypes: ['graphql_too_many_queries'] });
    expect(lineOf('too-many')).not.toHaveProperty('operationName');
  });

  it('logs file routes with a request ID, without the token in the path', async () => {
    await s.ok('mutation { storageCreateBucket(bucketId: "b", name: "b") { _id } }');
    await s.upload({ bucketId: 'b', fileId: 'f', bytes: randomBytes(100), name: 'f.bin' });
    const { secret } = (await s.ok('mutation { tokensCreateFileToken(bucketId: "b", fileId: "f") { secret } }')).tokensCreateFileToken;
    secrets.push(secret);
    const viewed = await s.get(`/v1/storage/buckets/b/files/f/view?token=${encodeURIComponent(secret)}`, { headers: { 'x-request-id': 'file-view' } });
    expect(viewed.status).toBe(200);
    expect(viewed.headers.get('x-request-id')).toBe('file-view');
    await viewed.arrayBuffer();
    const missing = await s.get('/v1/storage/buckets/b/files/nope/download', { headers: asKey });
    await missing.arrayBuffer();
    // The line is written when the response closes: wait for it without a timer.
    await expect.poll(() => logs.lines().filter((line) => line['route'] !== undefined).length).toBe(2);
    expect(lineOf('file-view')).toMatchObject({ method: 'GET', path: '/v1/storage/buckets/b/files/f/view', route: 'view', callerKind: 'token', status: 200 });
    expect(lineOf(missing.headers.get('x-request-id')!)).toMatchObject({ route: 'download', callerKind: 'key', status: 404 });
  });

  it('never logs a credential, password, secret or variable value', () => {
    expect(logs.lines().length).toBeGreaterThan(20);
    const text = logs.text();
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('ann@example.com');
  });
});

describe('internal errors', () => {
  it('are logged once, with the request ID of the request they failed, and answered masked', async () => {
    const logs = captureLogs('info');
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { broken: String }', resolvers: { Query: { broken: () => { throw new Error('disk on fire'); } } } }),
      maskedErrors: { maskError: maskInternalError },
      logging: false,
      plugins: [requestLogPlugin({ logger: logs.logger })],
    });
    const response = await yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'boom' }, body: JSON.stringify({ query: '{ broken }' }) });
    const body = await response.json();
    expect(body.errors[0]).toMatchObject({ message: 'Server Error', extensions: { type: 'general_server_error', code: 500 } });
    expect(JSON.stringify(body)).not.toContain('disk on fire');
    const internal = logs.lines().filter((line) => line['msg'] === 'internal error');
    expect(internal).toHaveLength(1);
    expect(internal[0]).toMatchObject({ level: 'error', requestId: 'boom' });
    expect(internal[0]!['error']).toContain('Error: disk on fire');
    expect(logs.lines().find((line) => line['msg'] === 'request')).toMatchObject({ requestId: 'boom', errorTypes: ['general_server_error'] });
  });
});

describe('the logger', () => {
  it('censors credential-named fields, at the top and one level down, should a log call ever pass one', () => {
    const logs = captureLogs('info');
    logs.logger.info('careless', { password: 'p1', jwt: 'j1', nested: { apiKey: 'k1', secret: 's1' }, headers: { authorization: 'Bearer b1' }, variables: { password: 'v1' }, kept: 'visible' });
    expect(logs.lines()[0]).toMatchObject({ password: '[redacted]', jwt: '[redacted]', nested: { apiKey: '[redacted]', secret: '[redacted]' }, headers: '[redacted]', variables: '[redacted]', kept: 'visible' });
    expect(logs.text()).not.toMatch(/p1|j1|k1|s1|b1|v1/);
  });

  it('writes nothing below LOG_LEVEL', () => {
    const logs = captureLogs('warn');
    logs.logger.info('quiet');
    logs.logger.child({ requestId: 'r' }).warn('loud');
    expect(logs.lines()).toEqual([expect.objectContaining({ level: 'warn', msg: 'loud', requestId: 'r' })]);
  });
});
