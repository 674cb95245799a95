import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, warnIfPostgresSkipped } from '../support/providers.ts';
import { rawConnection } from '../support/raw-http.ts';
import { asKey, startStorageGateway, type StorageGateway } from '../support/storage-gateway.ts';

warnIfPostgresSkipped('storage');

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const errorType = (body: { errors?: { extensions?: { type?: string } }[] }) => body.errors?.[0]?.extensions?.type;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.each(PROVIDERS)('storage on %s', (provider) => {
  let s: StorageGateway;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  let png: Buffer;
  const big = randomBytes(1024 * 1024 + 123);

  const createBucket = (bucketId: string, extra = '') => s.ok(`mutation { storageCreateBucket(bucketId: "${bucketId}", name: "${bucketId}"${extra}) { _id } }`);
  const fileUrl = (bucketId: string, fileId: string, kind: string) => `/v1/storage/buckets/${bucketId}/files/${fileId}/${kind}`;

  beforeAll(async () => {
    s = await startStorageGateway(provider, { MAX_FILE_BYTES: '5000000' });
    png = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#3366cc' } }).png().toBuffer();
    for (const id of ['alice', 'bob']) {
      await s.ok(`mutation { usersCreate(userId: "${id}", email: "${id}@example.com", password: "password-123") { _id } }`);
    }
    const jwt = async (id: string) => ({ 'x-appwrite-jwt': (await s.ok(`mutation { usersCreateJWT(userId: "${id}", duration: 3600) { jwt } }`)).usersCreateJWT.jwt as string });
    alice = await jwt('alice');
    bob = await jwt('bob');
    await createBucket('main');
  });
  afterAll(async () => s?.close());

  describe('buckets', () => {
    it('creates, reads, lists, updates and deletes buckets with their settings', async () => {
      const created = await s.ok(`mutation { storageCreateBucket(bucketId: "settings", name: "Settings", permissions: ["read(\\"any\\")"], fileSecurity: true,
        maximumFileSize: 1000, allowedFileExtensions: [".PNG", "txt"], transformations: false) {
        _id name _permissions fileSecurity enabled maximumFileSize allowedFileExtensions compression encryption antivirus transformations totalSize } }`);
      expect(created.storageCreateBucket).toEqual({
        _id: 'settings', name: 'Settings', _permissions: ['read("any")'], fileSecurity: true, enabled: true, maximumFileSize: 1000,
        allowedFileExtensions: ['png', 'txt'], compression: 'none', encryption: false, antivirus: false, transformations: false, totalSize: 0,
      });
      const updated = await s.ok('mutation { storageUpdateBucket(bucketId: "settings", name: "Renamed", enabled: false) { name enabled maximumFileSize } }');
      expect(updated.storageUpdateBucket).toEqual({ name: 'Renamed', enabled: false, maximumFileSize: 1000 });
      const listed = await s.ok('{ storageListBuckets(search: "Renamed") { total buckets { _id } } }');
      expect(listed.storageListBuckets).toEqual({ total: 1, buckets: [{ _id: 'settings' }] });
      await s.ok('mutation { storageDeleteBucket(bucketId: "settings") { status } }');
      expect(errorType(await s.gql('{ storageGetBucket(bucketId: "settings") { _id } }'))).toBe('storage_bucket_not_found');
    });

    it('refuses duplicate IDs, oversized limits, and settings it does not implement', async () => {
      expect(errorType(await s.gql('mutation { storageCreateBucket(bucketId: "main", name: "again") { _id } }'))).toBe('storage_bucket_already_exists');
      expect(errorType(await s.gql('mutation { storageCreateBucket(bucketId: "huge", name: "h", maximumFileSize: 5000001) { _id } }'))).toBe('general_argument_invalid');
      expect(errorType(await s.gql('mutation { storageCreateBucket(bucketId: "gz", name: "g", compression: "gzip") { _id } }'))).toBe('general_not_implemented');
      expect(errorType(await s.gql('mutation { storageCreateBucket(bucketId: "enc", name: "e", encryption: true) { _id } }'))).toBe('general_not_implemented');
    });

    it('keeps buckets to API keys (scopes)', async () => {
      expect(errorType(await s.gql('{ storageListBuckets { total } }', {}, alice))).toBe('general_unauthorized_scope');
      expect(errorType(await s.gql('mutation { storageCreateBucket(bucketId: "mine", name: "m") { _id } }', {}, {}))).toBe('general_unauthorized_scope');
    });
  });

  describe('uploads', () => {
    it('streams an upload to disk and records its size, MD5 and content-detected type', async () => {
      const result = await s.upload({ bucketId: 'main', fileId: 'picture', bytes: png, name: 'holiday.txt', type: 'text/plain' });
      expect(result.data.storageCreateFile).toEqual({
        _id: 'picture', bucketId: 'main', name: 'holiday.txt', signature: md5(png), mimeType: 'image/png', sizeOriginal: png.length, _permissions: [],
      });
      expect(s.pendingUploads()).toEqual([]);
      const bucket = await s.ok('{ storageGetBucket(bucketId: "main") { totalSize } }');
      expect(bucket.storageGetBucket.totalSize).toBeGreaterThanOrEqual(png.length);
    });

    it('refuses files over the bucket limit, with a disallowed extension, or empty, leaving nothing on disk', async () => {
      await createBucket('strict', ', maximumFileSize: 100, allowedFileExtensions: ["txt"]');
      const before = s.storedFiles();
      expect(errorType(await s.upload({ bucketId: 'strict', fileId: 'big', bytes: randomBytes(101), name: 'a.txt' }))).toBe('storage_invalid_file_size');
      expect(errorType(await s.upload({ bucketId: 'strict', fileId: 'exe', bytes: randomBytes(10), name: 'a.exe' }))).toBe('storage_file_type_unsupported');
      expect(errorType(await s.upload({ bucketId: 'strict', fileId: 'none', bytes: new Uint8Array(), name: 'a.txt' }))).toBe('storage_file_empty');
      expect(errorType(await s.upload({ bucketId: 'main', fileId: 'toolarge', bytes: randomBytes(5_000_001), name: 'x.bin' }))).toBe('storage_invalid_file_size');
      expect(s.storedFiles()).toEqual(before);
      expect(s.pendingUploads()).toEqual([]);
    });

    it('refuses storing one uploaded file twice (one part mapped to two files)', async () => {
      const form = new FormData();
      const query = 'mutation($f: InputFile!) { a: storageCreateFile(bucketId: "main", fileId: "once", file: $f) { _id } b: storageCreateFile(bucketId: "main", fileId: "twice-over", file: $f) { _id } }';
      form.set('operations', JSON.stringify({ query, variables: { f: null } }));
      form.set('map', JSON.stringify({ 0: ['variables.f'] }));
      form.set('0', new Blob([new Uint8Array(randomBytes(10))]), 'x.bin');
      const body = await (await fetch(`${s.url}/v1/graphql`, { method: 'POST', headers: asKey, body: form })).json();
      expect(body.data.a).toEqual({ _id: 'once' });
      expect(body.errors[0].extensions.type).toBe('storage_invalid_file');
      expect(s.pendingUploads()).toEqual([]);
    });

    it('refuses a taken file ID without keeping the second upload', async () => {
      await s.upload({ bucketId: 'main', fileId: 'twice', bytes: randomBytes(10), name: 'a.bin' });
      const before = s.storedFiles();
      expect(errorType(await s.upload({ bucketId: 'main', fileId: 'twice', bytes: randomBytes(10), name: 'a.bin' }))).toBe('storage_file_already_exists');
      expect(s.storedFiles()).toEqual(before);
    });

    it('stores concurrent uploads side by side, each byte-exact', async () => {
      const contents = Array.from({ length: 8 }, (_, i) => randomBytes(50_000 + i));
      const results = await Promise.all(contents.map((bytes, i) => s.upload({ bucketId: 'main', fileId: `c${i}`, bytes, name: `c${i}.bin` })));
      expect(results.map(errorType)).toEqual(Array(8).fill(undefined));
      for (const [i, bytes] of contents.entries()) {
        const response = await s.get(fileUrl('main', `c${i}`, 'download'), { headers: asKey });
        expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
      }
    });
  });

  describe('view and download', () => {
    beforeAll(async () => {
      await s.upload({ bucketId: 'main', fileId: 'big', bytes: big, name: 'données.bin' });
    });

    it('downloads byte-exact with length, type, entity tag and an attachment name', async () => {
      const response = await s.get(fileUrl('main', 'big', 'download'), { headers: asKey });
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(big)).toBe(true);
      expect(response.headers.get('content-length')).toBe(String(big.length));
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect(response.headers.get('etag')).toBe(`"${md5(big)}"`);
      expect(response.headers.get('accept-ranges')).toBe('bytes');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="donn_es.bin"; filename*=UTF-8''donn%C3%A9es.bin`);
    });

    it('answers ranges, conditional requests and HEAD', async () => {
      const range = await s.get(fileUrl('main', 'big', 'view'), { headers: { ...asKey, range: 'bytes=1000-1999' } });
      expect(range.status).toBe(206);
      expect(range.headers.get('content-range')).toBe(`bytes 1000-1999/${big.length}`);
      expect(Buffer.from(await range.arrayBuffer()).equals(big.subarray(1000, 2000))).toBe(true);
      const suffix = await s.get(fileUrl('main', 'big', 'download'), { headers: { ...asKey, range: 'bytes=-10' } });
      expect(Buffer.from(await suffix.arrayBuffer()).equals(big.subarray(big.length - 10))).toBe(true);
      const unsatisfiable = await s.get(fileUrl('main', 'big', 'view'), { headers: { ...asKey, range: `bytes=${big.length}-` } });
      expect(unsatisfiable.status).toBe(416);
      expect(unsatisfiable.headers.get('content-range')).toBe(`bytes */${big.length}`);
      const cached = await s.get(fileUrl('main', 'big', 'view'), { headers: { ...asKey, 'if-none-match': `"${md5(big)}"` } });
      expect(cached.status).toBe(304);
      const head = await s.get(fileUrl('main', 'big', 'view'), { method: 'HEAD', headers: asKey });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(big.length));
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    });

    it('serves active content viewed under a sandboxing policy, and as text only when it is text', async () => {
      const html = Buffer.from('<!doctype html><html><script>alert(document.domain)</script></html>');
      await s.upload({ bucketId: 'main', fileId: 'page', bytes: html, name: 'page.html', type: 'text/html' });
      const view = await s.get(fileUrl('main', 'page', 'view'), { headers: asKey });
      expect(view.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(view.headers.get('content-security-policy')).toContain('sandbox');
      expect(view.headers.get('x-content-type-options')).toBe('nosniff');
      const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');
      const uploaded = await s.upload({ bucketId: 'main', fileId: 'vector', bytes: svg, name: 'v.svg' });
      expect(uploaded.data.storageCreateFile.mimeType).toBe('image/svg+xml');
      expect((await s.get(fileUrl('main', 'vector', 'view'), { headers: asKey })).headers.get('content-security-policy')).toContain('sandbox');
      const text = await s.upload({ bucketId: 'main', fileId: 'notes', bytes: Buffer.from('plain words'), name: 'notes.html', type: 'text/html' });
      expect(text.data.storageCreateFile.mimeType).toBe('text/plain');
    });

    it('renders previews of images, and refuses them where transformations are off', async () => {
      const response = await s.get(`${fileUrl('main', 'picture', 'preview')}?width=20&output=png`, { headers: asKey });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(await sharp(body).metadata()).toMatchObject({ width: 20, height: 10 });
      const again = await s.get(`${fileUrl('main', 'picture', 'preview')}?width=20&output=png`, { headers: { ...asKey, 'if-none-match': response.headers.get('etag')! } });
      expect(again.status).toBe(304);
      await createBucket('plain', ', transformations: false');
      await s.upload({ bucketId: 'plain', fileId: 'img', bytes: png, name: 'i.png' });
      const refused = await s.get(fileUrl('plain', 'img', 'preview'), { headers: asKey });
      expect(refused.status).toBe(403);
      expect((await refused.json()).type).toBe('storage_bucket_transformations_disabled');
    });
  });

  describe('permissions', () => {
    beforeAll(async () => {
      await createBucket('shared', ', fileSecurity: true, permissions: ["create(\\"users\\")"]');
    });

    it('gives an uploading user read, update and delete on their file, and nobody else anything', async () => {
      const uploaded = await s.upload({ bucketId: 'shared', fileId: 'alices', bytes: Buffer.from('secret plan'), name: 'plan.txt' }, alice);
      expect(uploaded.data.storageCreateFile._permissions).toEqual(['read("user:alice")', 'update("user:alice")', 'delete("user:alice")']);
      expect((await s.get(fileUrl('shared', 'alices', 'view'), { headers: alice })).status).toBe(200);
      for (const who of [bob, {}]) {
        const hidden = await s.get(fileUrl('shared', 'alices', 'view'), { headers: who });
        const missing = await s.get(fileUrl('shared', 'nothing', 'view'), { headers: who });
        expect(hidden.status).toBe(404);
        // A forbidden file answers exactly as a missing one.
        expect(await hidden.json()).toEqual(await missing.json());
      }
      expect(errorType(await s.gql('{ storageGetFile(bucketId: "shared", fileId: "alices") { _id } }', {}, bob))).toBe('storage_file_not_found');
    });

    it('lists only readable files, with a matching total', async () => {
      await s.upload({ bucketId: 'shared', fileId: 'open', bytes: Buffer.from('hello'), name: 'open.txt', permissions: ['read("users")'] }, bob);
      const list = (who: Record<string, string>) => s.ok('{ storageListFiles(bucketId: "shared") { total files { _id } } }', {}, who);
      expect((await list(alice)).storageListFiles).toEqual({ total: 2, files: [{ _id: 'alices' }, { _id: 'open' }] });
      expect((await list(bob)).storageListFiles).toEqual({ total: 1, files: [{ _id: 'open' }] });
      // A cursor on a file the caller may not read is "not found", exactly as a missing one.
      const after = (id: string) => s.gql(`query($q: [String!]) { storageListFiles(bucketId: "shared", queries: $q) { total } }`, { q: [JSON.stringify({ method: 'cursorAfter', values: [id] })] }, bob);
      expect(errorType(await after('alices'))).toBe('general_cursor_not_found');
      expect(errorType(await after('nothing'))).toBe('general_cursor_not_found');
      expect(errorType(await s.gql('{ storageListFiles(bucketId: "main") { total } }', {}, bob))).toBe('user_unauthorized');
    });

    it('needs update or delete permission to change a file, and refuses roles the caller lacks', async () => {
      expect(errorType(await s.gql('mutation { storageUpdateFile(bucketId: "shared", fileId: "open", name: "x") { _id } }', {}, alice))).toBe('user_unauthorized');
      expect(errorType(await s.gql('mutation { storageDeleteFile(bucketId: "shared", fileId: "alices") { status } }', {}, bob))).toBe('storage_file_not_found');
      expect(errorType(await s.gql('mutation { storageUpdateFile(bucketId: "shared", fileId: "alices", permissions: ["read(\\"user:bob\\")"]) { _id } }', {}, alice))).toBe('user_unauthorized');
      const renamed = await s.ok('mutation { storageUpdateFile(bucketId: "shared", fileId: "alices", name: "renamed.txt", permissions: ["read(\\"users\\")", "update(\\"user:alice\\")"]) { name _permissions } }', {}, alice);
      expect(renamed.storageUpdateFile).toEqual({ name: 'renamed.txt', _permissions: ['read("users")', 'update("user:alice")'] });
      expect((await s.get(fileUrl('shared', 'alices', 'view'), { headers: bob })).status).toBe(200);
    });

    it('hides disabled buckets from everyone but API keys', async () => {
      await createBucket('off', ', permissions: ["read(\\"any\\")"], enabled: false');
      expect(errorType(await s.gql('{ storageListFiles(bucketId: "off") { total } }', {}, {}))).toBe('storage_bucket_not_found');
      expect((await s.ok('{ storageListFiles(bucketId: "off") { total } }')).storageListFiles.total).toBe(0);
    });
  });

  describe('deletion', () => {
    it('removes a deleted file\'s bytes, and a deleted bucket\'s files and bytes', async () => {
      await createBucket('temp');
      await s.upload({ bucketId: 'temp', fileId: 'one', bytes: randomBytes(100), name: 'one.bin' });
      await s.upload({ bucketId: 'temp', fileId: 'two', bytes: randomBytes(100), name: 'two.bin' });
      const before = s.storedFiles().length;
      await s.ok('mutation { storageDeleteFile(bucketId: "temp", fileId: "one") { status } }');
      expect(s.storedFiles().length).toBe(before - 1);
      expect((await s.get(fileUrl('temp', 'one', 'download'), { headers: asKey })).status).toBe(404);
      await s.ok('mutation { storageDeleteBucket(bucketId: "temp") { status } }');
      expect(s.storedFiles().length).toBe(before - 2);
    });
  });
});

// Yoga limits request bodies itself (25 MB by default): uploads up to MAX_FILE_BYTES (30 MB by default) must pass it.
describe('large uploads', () => {
  let s: StorageGateway;
  beforeAll(async () => {
    s = await startStorageGateway('sqlite');
    await s.ok('mutation { storageCreateBucket(bucketId: "large", name: "large") { _id } }');
  });
  afterAll(async () => s?.close());

  it('accepts a file of the default limit, byte-exact, and refuses one byte more', async () => {
    const bytes = randomBytes(30_000_000);
    const uploaded = await s.upload({ bucketId: 'large', fileId: 'max', bytes, name: 'max.bin' });
    expect(uploaded.data?.storageCreateFile.sizeOriginal).toBe(30_000_000);
    const response = await s.get('/v1/storage/buckets/large/files/max/download', { headers: asKey });
    expect(md5(Buffer.from(await response.arrayBuffer()))).toBe(md5(bytes));
    expect(errorType(await s.upload({ bucketId: 'large', fileId: 'over', bytes: randomBytes(30_000_001), name: 'over.bin' }))).toBe('storage_invalid_file_size');
    expect(s.pendingUploads()).toEqual([]);
  });
});

describe('request bodies', () => {
  let s: StorageGateway;
  beforeAll(async () => {
    s = await startStorageGateway('sqlite', { MAX_BODY_BYTES: '4096' });
    await s.ok('mutation { storageCreateBucket(bucketId: "b", name: "b") { _id } }');
  });
  afterAll(async () => s?.close());

  it('cuts off a chunked JSON body past MAX_BODY_BYTES, which no Content-Length announced', async () => {
    const padding = 'x'.repeat(8192);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ query: '{ storageListBuckets { total } }', variables: { padding } })));
        controller.close();
      },
    });
    const response = await fetch(`${s.url}/v1/graphql`, { method: 'POST', headers: { ...asKey, 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('counts no declared body: the HTTP parser refuses Content-Length beside chunked encoding and reads nothing past it', async () => {
    const query = JSON.stringify({ query: '{ storageListBuckets { total } }' });
    const exchange = (head: string, body: string) => {
      const { closed, write } = rawConnection(s.url, head);
      write(body);
      return closed;
    };
    const smuggled = `${query.slice(0, -1)},"variables":{"padding":"${'x'.repeat(8192)}"}}`;
    // Both framings at once: refused before anything is parsed.
    const both = await exchange(`POST /v1/graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nX-Appwrite-Key: ${asKey['x-appwrite-key']}\r\nContent-Length: ${query.length}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, `${smuggled.length.toString(16)}\r\n${smuggled}\r\n0\r\n\r\n`);
    expect(both).toMatch(/^HTTP\/1\.1 400 /);
    // Bytes past the declared length are not the body: here they are a second, pipelined request.
    const pipelined = await exchange(`POST /v1/graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nX-Appwrite-Key: ${asKey['x-appwrite-key']}\r\nContent-Length: ${query.length}\r\n\r\n`, `${query}GET /v1/health/live HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n`);
    expect(pipelined).toMatch(/^HTTP\/1\.1 200 OK[^]*\{"data":\{"storageListBuckets":\{"total":1\}\}\}HTTP\/1\.1 200 OK[^]*\{"status":"pass"\}\r\n0\r\n\r\n$/);
  });

  it('still takes uploads far larger than MAX_BODY_BYTES; odd multipart types never reach an in-memory parser', async () => {
    const bytes = randomBytes(100_000);
    expect((await s.upload({ bucketId: 'b', fileId: 'big', bytes, name: 'big.bin' })).data.storageCreateFile.sizeOriginal).toBe(100_000);
    // Yoga reads the first of a comma-separated type list as multipart: such a request is the upload parser's to
    // refuse (it is not valid multipart), not Yoga's buffering one's to accept.
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: 'mutation($f: InputFile!) { storageCreateFile(bucketId: "b", fileId: "odd", file: $f) { _id } }', variables: { f: null } }));
    form.set('map', JSON.stringify({ 0: ['variables.f'] }));
    form.set('0', new Blob([new Uint8Array(bytes)]), 'o.bin');
    const encoded = new Request('http://encoder', { method: 'POST', body: form });
    const type = encoded.headers.get('content-type')!.replace('multipart/form-data;', 'multipart/form-data,text/plain;');
    const response = await fetch(`${s.url}/v1/graphql`, { method: 'POST', headers: { ...asKey, 'content-type': type }, body: await encoded.arrayBuffer() });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.type).toBe('general_argument_invalid');
    expect(s.pendingUploads()).toEqual([]);
  });

  it('answers a request target no URL parser accepts with 400, and keeps serving', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(s.url).port), '127.0.0.1', () => socket.write('GET http://[bad HTTP/1.1\r\nHost: x\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk));
      socket.on('close', () => resolve(data));
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect((await s.get('/v1/health')).status).toBe(200);
  });
});
