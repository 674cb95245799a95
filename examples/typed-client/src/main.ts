import { parseArgs } from 'node:util';
import { Query } from 'node-appwrite';
import { createClient } from './client.js';
import { CreateAttributes, CreateBucket, CreateCollection, CreateDatabase, CreateDocument, CreateFileToken, GetDocument, ListDocuments, UploadFile } from './operations.js';

/**
 * Walks through the gateway with typed operations: a database, a collection with attributes, documents listed
 * with Appwrite queries, a file upload and a file token whose URL serves the file without a key.
 *
 *   npx tsx examples/typed-client/src/main.ts --endpoint http://localhost:4000/v1 --key <API key>
 *   (or APPWRITE_ENDPOINT and APPWRITE_API_KEY in the environment)
 */

const { values } = parseArgs({ options: { endpoint: { type: 'string' }, key: { type: 'string' } } });
const endpoint = values.endpoint ?? process.env['APPWRITE_ENDPOINT'];
const apiKey = values.key ?? process.env['APPWRITE_API_KEY'];
if (!endpoint || !apiKey) {
  console.error('Usage: main.ts --endpoint http://localhost:4000/v1 --key <API key>  (or APPWRITE_ENDPOINT, APPWRITE_API_KEY)');
  process.exit(2);
}

const request = createClient({ endpoint, apiKey });

interface Book {
  title: string;
  year?: number;
}

const { databasesCreate: database } = await request(CreateDatabase, { databaseId: 'unique()', name: 'Typed client example' });
const databaseId = database!._id!;
console.log(`database ${databaseId} "${database!.name}"`);

const address = { databaseId, collectionId: 'books' };
await request(CreateCollection, { ...address, name: 'Books', permissions: [] });
const attributes = await request(CreateAttributes, address);
console.log(`collection books with attributes ${attributes.title!.key}, ${attributes.year!.key}`);

const books: Record<string, Book> = {
  dune: { title: 'Dune', year: 1965 },
  neuromancer: { title: 'Neuromancer', year: 1984 },
  foundation: { title: 'Foundation', year: 1951 },
};
for (const [documentId, data] of Object.entries(books)) await request(CreateDocument, { ...address, documentId, data });
console.log(`created documents ${Object.keys(books).join(', ')}`);

const queries = [Query.greaterThan('year', 1960), Query.orderDesc('year')];
const { databasesListDocuments: page } = await request(ListDocuments, { ...address, queries });
const listed = (page!.documents ?? []).map((doc) => JSON.parse(doc.data!) as Book);
console.log(`listed ${page!.total} with year > 1960, newest first: ${listed.map((book) => `${book.title} (${book.year})`).join(', ')}`);

const { databasesGetDocument: dune } = await request(GetDocument, { ...address, documentId: 'dune' });
console.log(`got ${dune!._id}: ${(JSON.parse(dune!.data!) as Book).title}`);

const { storageCreateBucket: bucket } = await request(CreateBucket, { bucketId: 'unique()', name: 'Example files' });
const bytes = new TextEncoder().encode('Hello from the typed client!\n');
const { storageCreateFile: file } = await request(UploadFile, { bucketId: bucket!._id!, fileId: 'unique()', file: new File([bytes], 'hello.txt', { type: 'text/plain' }) });
console.log(`uploaded ${file!.name} (${file!.sizeOriginal} bytes, ${file!.mimeType}) to bucket ${bucket!._id}`);

const { tokensCreateFileToken: token } = await request(CreateFileToken, { bucketId: bucket!._id!, fileId: file!._id! });
// viewUrl is relative unless the gateway has PUBLIC_URL: resolve it against the endpoint.
const viewUrl = new URL(token!.viewUrl!, endpoint);
const view = await fetch(viewUrl);
const served = new Uint8Array(await view.arrayBuffer());
const same = served.length === bytes.length && served.every((byte, i) => byte === bytes[i]);
console.log(`file token ${token!._id}: GET ${viewUrl.pathname} without a key → HTTP ${view.status}, ${served.length} bytes, ${same ? 'same as uploaded' : 'DIFFERENT from upload'}`);
if (!same) process.exit(1);
