import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../src/auth/jwt.ts';
import { TEST_JWT_SECRET } from '../support/gateway.ts';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { startStorageGateway, type StorageGateway } from '../support/storage-gateway.ts';

warnIfPostgresSkipped('file tokens');

const errorType = (body: { errors?: { extensions?: { type?: string } }[] }) => body.errors?.[0]?.extensions?.type;
const TOKEN_FIELDS = '_id _createdAt resourceId resourceType expire secret accessedAt viewUrl downloadUrl previewUrl';
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, -1)}+00:00`;

describe.each(PROVIDERS)('file tokens on %s', (provider) => {
  let s: StorageGateway;
  let editor: Record<string, string>;
  let reader: Record<string, string>;
  const bytes = randomBytes(10_000);

  const createToken = (fileId: string, expire?: string, headers?: Record<string, string>) =>
    s.gql(`mutation($expire: String) { tokensCreateFileToken(bucketId: "b", fileId: "${fileId}", expire: $expire) { ${TOKEN_FIELDS} } }`, { expire: expire ?? null }, headers);
  const token = async (fileId: string, expire?: string) => (await createToken(fileId, expire)).data.tokensCreateFileToken;
  const open = (path: string) => s.get(path);
  const view = (fileId: string, secret: string, kind = 'view') => open(`/v1/storage/buckets/b/files/${fileId}/${kind}?token=${encodeURIComponent(secret)}`);

  beforeAll(async () => {
    s = await startStorageGateway(provider, { PUBLIC_URL: 'https://files.example.com/' });
    await s.ok('mutation { storageCreateBucket(bucketId: "b", name: "b", fileSecurity: true) { _id } }');
    await s.upload({ bucketId: 'b', fileId: 'f', bytes, name: 'report.bin' });
    await s.upload({ bucketId: 'b', fileId: 'other', bytes: randomBytes(100), name: 'other.bin' });
    for (const id of ['editor', 'reader']) await s.ok(`mutation { usersCreate(userId: "${id}", email: "${id}@example.com", password: "password-123") { _id } }`);
    await s.ok('mutation { storageUpdateFile(bucketId: "b", fileId: "f", permissions: ["read(\\"user:reader\\")", "read(\\"user:editor\\")", "update(\\"user:editor\\")"]) { _id } }');
    const jwt = async (id: string) => ({ 'x-appwrite-jwt': (await s.ok(`mutation { usersCreateJWT(userId: "${id}", duration: 3600) { jwt } }`)).usersCreateJWT.jwt as string });
    editor = await jwt('editor');
    reader = await jwt('reader');
  });
  afterAll(async () => s?.close());

  it('creates a token naming the file, with a JWT secret and ready absolute URLs', async () => {
    const created = await token('f');
    expect(created).toMatchObject({ resourceId: 'b:f', resourceType: 'files', expire: null, accessedAt: null });
    expect(created.secret.split('.')).toHaveLength(3);
    expect(created.viewUrl).toBe(`https://files.example.com/v1/storage/buckets/b/files/f/view?token=${created.secret}`);
    expect(created.downloadUrl).toContain('/download?token=');
    expect(created.previewUrl).toContain('/preview?token=');
    const again = await s.ok(`{ tokensGet(tokenId: "${created._id}") { secret } }`);
    expect(again.tokensGet.secret).toBe(created.secret);
  });

  it('opens view and download, byte-exact, to anyone holding the token', async () => {
    const { secret } = await token('f');
    for (const kind of ['view', 'download']) {
      const response = await view('f', secret, kind);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    }
    const ranged = await s.get(`/v1/storage/buckets/b/files/f/download?token=${secret}`, { headers: { range: 'bytes=0-9' } });
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(0, 10))).toBe(true);
  });

  it('stops at its expiry to the millisecond, by the current expire', async () => {
    const expire = s.now() + 60_000;
    const created = await token('f', iso(expire));
    expect(created.expire).toBe(iso(expire));
    s.advance(59_999);
    expect((await view('f', created.secret)).status).toBe(200);
    s.advance(1);
    expect((await view('f', created.secret)).status).toBe(404);
    // Extending it revives the same URL; shortening it ends it at once.
    await s.ok(`mutation { tokensUpdate(tokenId: "${created._id}", expire: "${iso(s.now() + 3_600_000)}") { _id } }`);
    expect((await view('f', created.secret)).status).toBe(200);
    await s.ok(`mutation { tokensUpdate(tokenId: "${created._id}", expire: "${iso(s.now() + 1000)}") { _id } }`);
    s.advance(1000);
    expect((await view('f', created.secret)).status).toBe(404);
    await s.ok(`mutation { tokensUpdate(tokenId: "${created._id}", expire: null) { expire } }`);
    expect((await view('f', created.secret)).status).toBe(200);
  });

  it('stops working once deleted', async () => {
    const created = await token('f');
    expect((await view('f', created.secret)).status).toBe(200);
    await s.ok(`mutation { tokensDelete(tokenId: "${created._id}") { status } }`);
    expect((await view('f', created.secret)).status).toBe(404);
    expect(errorType(await s.gql(`{ tokensGet(tokenId: "${created._id}") { _id } }`))).toBe('token_not_found');
  });

  it('opens nothing with a wrong, tampered, foreign or made-up token, answering as for a missing file', async () => {
    const { secret } = await token('f');
    const missing = await (await open('/v1/storage/buckets/b/files/nothing/view')).json();
    const [header, payload, signature] = secret.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = signJwt({ tokenId: claims.tokenId, secret: claims.secret }, TEST_JWT_SECRET, { expiresInSeconds: 60 });
    const attempts = [
      view('other', secret),
      open(`/v1/storage/buckets/b/files/f/view?token=${header}.${Buffer.from(JSON.stringify({ ...claims, secret: 'x'.repeat(128) })).toString('base64url')}.${signature}`),
      open(`/v1/storage/buckets/b/files/f/view?token=${forged}`),
      open('/v1/storage/buckets/b/files/f/view?token=not-a-token'),
      open(`/v1/storage/buckets/other-bucket/files/f/view?token=${secret}`),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual(missing);
    }
  });

  it('refuses an expiry in the past or not a date', async () => {
    expect(errorType(await createToken('f', iso(s.now() - 1)))).toBe('general_argument_invalid');
    expect(errorType(await createToken('f', iso(s.now())))).toBe('general_argument_invalid');
    expect(errorType(await createToken('f', 'tomorrow'))).toBe('general_argument_invalid');
  });

  it('lets users with update permission manage tokens; readers are refused, others see nothing', async () => {
    const created = (await createToken('f', undefined, editor)).data.tokensCreateFileToken;
    expect((await view('f', created.secret)).status).toBe(200);
    expect(errorType(await createToken('f', undefined, reader))).toBe('user_unauthorized');
    expect(errorType(await createToken('other', undefined, editor))).toBe('storage_file_not_found');
    expect(errorType(await s.gql(`{ tokensGet(tokenId: "${created._id}") { _id } }`, {}, reader))).toBe('token_not_found');
    expect(errorType(await s.gql(`mutation { tokensDelete(tokenId: "${created._id}") { status } }`, {}, reader))).toBe('token_not_found');
    expect((await s.ok(`{ tokensGet(tokenId: "${created._id}") { _id } }`, {}, editor)).tokensGet._id).toBe(created._id);
  });

  it('lists a file\'s tokens, filtered and sorted on expire', async () => {
    await s.upload({ bucketId: 'b', fileId: 'listed', bytes: randomBytes(10), name: 'l.bin' });
    const create = (expire: string | null) =>
      s.ok(`mutation($e: String) { tokensCreateFileToken(bucketId: "b", fileId: "listed", expire: $e) { _id } }`, { e: expire }).then((d) => d.tokensCreateFileToken._id as string);
    const soon = await create(iso(s.now() + 60_000));
    const later = await create(iso(s.now() + 120_000));
    const never = await create(null);
    const list = (queries: string[]) => s.ok('query($q: [String!]) { tokensList(bucketId: "b", fileId: "listed", queries: $q) { total tokens { _id } } }', { q: queries });
    expect((await list([])).tokensList).toEqual({ total: 3, tokens: [{ _id: soon }, { _id: later }, { _id: never }] });
    const lessThan = JSON.stringify({ method: 'lessThan', attribute: 'expire', values: [iso(s.now() + 90_000)] });
    expect((await list([lessThan])).tokensList).toEqual({ total: 1, tokens: [{ _id: soon }] });
    expect((await list([JSON.stringify({ method: 'isNull', attribute: 'expire' })])).tokensList.tokens).toEqual([{ _id: never }]);
    const byExpireDesc = await list([JSON.stringify({ method: 'isNotNull', attribute: 'expire' }), JSON.stringify({ method: 'orderDesc', attribute: 'expire' })]);
    expect(byExpireDesc.tokensList.tokens).toEqual([{ _id: later }, { _id: soon }]);
  });

  it('records use at most once an hour', async () => {
    const created = await token('f');
    const accessedAt = async () => (await s.ok(`{ tokensGet(tokenId: "${created._id}") { accessedAt } }`)).tokensGet.accessedAt;
    await view('f', created.secret);
    const first = await accessedAt();
    expect(first).toBe(iso(s.now()));
    s.advance(59 * 60_000);
    await view('f', created.secret);
    expect(await accessedAt()).toBe(first);
    s.advance(60_000);
    await view('f', created.secret);
    expect(await accessedAt()).toBe(iso(s.now()));
  });

  it('goes with its file', async () => {
    await s.upload({ bucketId: 'b', fileId: 'gone', bytes: randomBytes(10), name: 'g.bin' });
    const created = (await s.ok('mutation { tokensCreateFileToken(bucketId: "b", fileId: "gone") { _id secret } }')).tokensCreateFileToken;
    await s.ok('mutation { storageDeleteFile(bucketId: "b", fileId: "gone") { status } }');
    expect(errorType(await s.gql(`{ tokensGet(tokenId: "${created._id}") { _id } }`))).toBe('token_not_found');
    expect((await view('gone', created.secret)).status).toBe(404);
  });

  it('goes with its bucket', async () => {
    await s.ok('mutation { storageCreateBucket(bucketId: "doomed", name: "doomed") { _id } }');
    await s.upload({ bucketId: 'doomed', fileId: 'x', bytes: randomBytes(10), name: 'x.bin' });
    const created = (await s.ok('mutation { tokensCreateFileToken(bucketId: "doomed", fileId: "x") { _id secret } }')).tokensCreateFileToken;
    await s.ok('mutation { storageDeleteBucket(bucketId: "doomed") { status } }');
    expect(errorType(await s.gql(`{ tokensGet(tokenId: "${created._id}") { _id } }`))).toBe('token_not_found');
    expect((await open(`/v1/storage/buckets/doomed/files/x/view?token=${created.secret}`)).status).toBe(404);
  });
});
