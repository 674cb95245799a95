import { graphqlBody, postGraphQL } from './graphql-client.ts';
import type { GatewayProcess } from './server-processes.ts';

/** A seeded collection: `size` documents, from index 0 up, as bench/dataset.ts describes them. */
export interface BenchCollection {
  size: number;
  databaseId: string;
  collectionId: string;
}

const DATABASE_ID = 'bench';

const CREATE_DATABASE = 'mutation { databasesCreate(databaseId: "bench", name: "Benchmark") { _id } }';

// Top-level mutation fields run one after another, so the index is built once its attributes exist.
const CREATE_COLLECTION = `mutation CreateCollection($databaseId: String!, $collectionId: String!, $name: String!) {
  databasesCreateCollection(databaseId: $databaseId, collectionId: $collectionId, name: $name) { _id }
  category: databasesCreateStringAttribute(databaseId: $databaseId, collectionId: $collectionId, key: "category", size: 16, required: true) { key }
  score: databasesCreateIntegerAttribute(databaseId: $databaseId, collectionId: $collectionId, key: "score", required: true) { key }
  title: databasesCreateStringAttribute(databaseId: $databaseId, collectionId: $collectionId, key: "title", size: 64, required: true) { key }
  databasesCreateIndex(databaseId: $databaseId, collectionId: $collectionId, key: "category_score", type: "key",
    attributes: ["category", "score"], orders: ["asc", "desc"]) { key }
}`;

/** One empty collection per size, with its attributes and composite index, made through the API so the real DDL runs. */
export async function createCollections(gateway: GatewayProcess, sizes: readonly number[]): Promise<BenchCollection[]> {
  const send = (body: string) => postGraphQL(gateway.server.url, gateway.apiKey, body);
  await send(graphqlBody(CREATE_DATABASE));
  const collections: BenchCollection[] = [];
  for (const size of sizes) {
    const collection = { size, databaseId: DATABASE_ID, collectionId: `docs_${size}` };
    await send(graphqlBody(CREATE_COLLECTION, { ...collection, name: `${size} documents` }));
    collections.push(collection);
  }
  return collections;
}
