import { graphqlBody, postGraphQL } from './graphql-client.ts';
import type { GatewayProcess } from './server-processes.ts';

/** A seeded collection: `size` documents, from index 0 up, as bench/dataset.ts describes them. */
export interface BenchCollection {
  size: number;
  databaseId: string;
  collectionId: string;
  /** With document security on (and no collection-level read): each document's read role, seeded as its permission. */
  readRoleOf?: (index: number) => string;
}

const DATABASE_ID = 'bench';

const CREATE_DATABASE = 'mutation { databasesCreate(databaseId: "bench", name: "Benchmark") { _id } }';

// Top-level mutation fields run one after another, so the index is built once its attributes exist.
const CREATE_COLLECTION = `mutation CreateCollection($databaseId: String!, $collectionId: String!, $name: String!, $documentSecurity: Boolean) {
  databasesCreateCollection(databaseId: $databaseId, collectionId: $collectionId, name: $name, documentSecurity: $documentSecurity) { _id }
  category: databasesCreateStringAttribute(databaseId: $databaseId, collectionId: $collectionId, key: "category", size: 16, required: true) { key }
  score: databasesCreateIntegerAttribute(databaseId: $databaseId, collectionId: $collectionId, key: "score", required: true) { key }
  title: databasesCreateStringAttribute(databaseId: $databaseId, collectionId: $collectionId, key: "title", size: 64, required: true) { key }
  databasesCreateIndex(databaseId: $databaseId, collectionId: $collectionId, key: "category_score", type: "key",
    attributes: ["category", "score"], orders: ["asc", "desc"]) { key }
}`;

const sendAsKey = (gateway: GatewayProcess, body: string) => postGraphQL(gateway.server.url, { apiKey: gateway.apiKey }, body);

/** An empty collection with the attributes and composite index, made through the API so the real DDL runs. */
async function createCollection(gateway: GatewayProcess, collection: BenchCollection, name: string): Promise<BenchCollection> {
  const { databaseId, collectionId } = collection;
  await sendAsKey(gateway, graphqlBody(CREATE_COLLECTION, { databaseId, collectionId, name, documentSecurity: collection.readRoleOf !== undefined }));
  return collection;
}

/** The benchmark database and one plain collection per size (readable by API keys only). */
export async function createCollections(gateway: GatewayProcess, sizes: readonly number[]): Promise<BenchCollection[]> {
  await sendAsKey(gateway, graphqlBody(CREATE_DATABASE));
  const collections: BenchCollection[] = [];
  for (const size of sizes) {
    collections.push(await createCollection(gateway, { size, databaseId: DATABASE_ID, collectionId: `docs_${size}` }, `${size} documents`));
  }
  return collections;
}

/** A collection with document security on and no collection permissions, in the database createCollections made. */
export const createDocumentSecurityCollection = (gateway: GatewayProcess, size: number, readRoleOf: (index: number) => string): Promise<BenchCollection> =>
  createCollection(gateway, { size, databaseId: DATABASE_ID, collectionId: `secured_${size}`, readRoleOf }, `${size} documents, document security`);
