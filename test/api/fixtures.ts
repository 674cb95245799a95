import type { TestGateway } from '../support/gateway.ts';

/** A database `db` with a collection `books` (title, year, price, inStock, tags, published, email, genre) used across API tests. */
export async function createBooks(t: TestGateway, options: { permissions?: string[]; documentSecurity?: boolean } = {}) {
  await t.ok(`mutation { databasesCreate(databaseId: "db", name: "Library") { _id } }`);
  await t.ok(
    `mutation($permissions: [String!], $documentSecurity: Boolean) {
      databasesCreateCollection(databaseId: "db", collectionId: "books", name: "Books", permissions: $permissions, documentSecurity: $documentSecurity) { _id }
    }`,
    { permissions: options.permissions ?? [], documentSecurity: options.documentSecurity ?? false },
  );
  const base = 'databaseId: "db", collectionId: "books"';
  await t.ok(`mutation {
    a: databasesCreateStringAttribute(${base}, key: "title", size: 64, required: true) { key }
    b: databasesCreateIntegerAttribute(${base}, key: "year", required: false, min: 0, max: 3000) { key }
    c: databasesCreateFloatAttribute(${base}, key: "price", required: false) { key }
    d: databasesCreateBooleanAttribute(${base}, key: "inStock", required: false, default: true) { key }
    e: databasesCreateStringAttribute(${base}, key: "tags", size: 20, required: false, array: true) { key }
    f: databasesCreateDatetimeAttribute(${base}, key: "published", required: false) { key }
    g: databasesCreateEmailAttribute(${base}, key: "contact", required: false) { key }
    h: databasesCreateEnumAttribute(${base}, key: "genre", elements: ["novel", "poetry", "essay"], required: false) { key }
  }`);
}

export const DOCUMENT_FIELDS = '_id _sequence _collectionId _databaseId _createdAt _updatedAt _permissions data';

export async function createBook(t: TestGateway, id: string, data: Record<string, unknown>, permissions?: string[]) {
  const result = await t.ok(
    `mutation($id: String!, $data: Json!, $permissions: [String!]) {
      databasesCreateDocument(databaseId: "db", collectionId: "books", documentId: $id, data: $data, permissions: $permissions) { ${DOCUMENT_FIELDS} }
    }`,
    { id, data, permissions },
  );
  return result.databasesCreateDocument;
}

export async function listBooks(t: TestGateway, queries: string[], options: { key?: string | null } = {}) {
  const result = await t.gql(
    `query($queries: [String!]) { databasesListDocuments(databaseId: "db", collectionId: "books", queries: $queries) { total documents { _id data } } }`,
    { queries },
    options,
  );
  return result;
}

export const q = (method: string, attribute?: string, values?: unknown[]) =>
  JSON.stringify({ method, ...(attribute !== undefined ? { attribute } : {}), ...(values !== undefined ? { values } : {}) });
