import { graphql } from './gql/index.js';

// The operations the example runs. `npm run example:codegen` types each one from schema.graphql.

export const CreateDatabase = graphql(`
  mutation CreateDatabase($databaseId: String!, $name: String!) {
    databasesCreate(databaseId: $databaseId, name: $name) { _id name }
  }
`);

export const CreateCollection = graphql(`
  mutation CreateCollection($databaseId: String!, $collectionId: String!, $name: String!, $permissions: [String!]) {
    databasesCreateCollection(databaseId: $databaseId, collectionId: $collectionId, name: $name, permissions: $permissions) { _id name }
  }
`);

export const CreateAttributes = graphql(`
  mutation CreateAttributes($databaseId: String!, $collectionId: String!) {
    title: databasesCreateStringAttribute(databaseId: $databaseId, collectionId: $collectionId, key: "title", size: 128, required: true) { key status }
    year: databasesCreateIntegerAttribute(databaseId: $databaseId, collectionId: $collectionId, key: "year", required: false) { key status }
  }
`);

export const CreateDocument = graphql(`
  mutation CreateDocument($databaseId: String!, $collectionId: String!, $documentId: String!, $data: Json!) {
    databasesCreateDocument(databaseId: $databaseId, collectionId: $collectionId, documentId: $documentId, data: $data) { _id data }
  }
`);

export const ListDocuments = graphql(`
  query ListDocuments($databaseId: String!, $collectionId: String!, $queries: [String!]) {
    databasesListDocuments(databaseId: $databaseId, collectionId: $collectionId, queries: $queries) {
      total
      documents { _id data }
    }
  }
`);

export const GetDocument = graphql(`
  query GetDocument($databaseId: String!, $collectionId: String!, $documentId: String!) {
    databasesGetDocument(databaseId: $databaseId, collectionId: $collectionId, documentId: $documentId) { _id _createdAt data }
  }
`);

export const CreateBucket = graphql(`
  mutation CreateBucket($bucketId: String!, $name: String!) {
    storageCreateBucket(bucketId: $bucketId, name: $name) { _id name }
  }
`);

export const UploadFile = graphql(`
  mutation UploadFile($bucketId: String!, $fileId: String!, $file: InputFile!) {
    storageCreateFile(bucketId: $bucketId, fileId: $fileId, file: $file) { _id name mimeType sizeOriginal }
  }
`);

export const CreateFileToken = graphql(`
  mutation CreateFileToken($bucketId: String!, $fileId: String!) {
    tokensCreateFileToken(bucketId: $bucketId, fileId: $fileId) { _id secret viewUrl }
  }
`);
