import { isDeepStrictEqual } from 'node:util';
import type { BenchCollection } from './create-collections.ts';
import { CATEGORY_COUNT, categoryName, documentId, seedDocument, topScoredIndexes } from './dataset.ts';
import { graphqlBody } from './graphql-client.ts';

/** A measured request kind: random request bodies for the load, and a check of real answers before it. */
export interface Operation {
  readonly name: string;
  /** A request body aimed at a random target (document, category). */
  nextBody(): string;
  /** Sends a few requests through `post` and checks each answer exactly; throws on the first wrong one. */
  verify(post: (body: string) => Promise<unknown>): Promise<void>;
}

export const OPERATION = {
  get: 'getDocument',
  listWithTotal: 'listDocuments + total',
  listWithoutTotal: 'listDocuments, no total',
  baseline: 'bare Yoga `{ hello }`',
} as const;

const VERIFICATION_SAMPLES = 5;
const PAGE_SIZE = 25;

interface OperationSpec<Target> {
  name: string;
  pick(): Target;
  body(target: Target): string;
  /** Throws unless `data` is the right answer for `target`. */
  check(target: Target, data: unknown): void;
}

function operation<Target>(spec: OperationSpec<Target>): Operation {
  return {
    name: spec.name,
    nextBody: () => spec.body(spec.pick()),
    async verify(post) {
      for (let sample = 0; sample < VERIFICATION_SAMPLES; sample++) {
        const target = spec.pick();
        spec.check(target, await post(spec.body(target)));
      }
    },
  };
}

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`wrong answer: ${what} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
}

const randomBelow = (bound: number): number => Math.floor(Math.random() * bound);

interface DocumentData {
  _id: string;
  data: string;
}

/** A document as answered and as seeded, in one comparable shape. */
const answered = (document: DocumentData): object => ({ _id: document._id, ...(JSON.parse(document.data) as object) });
function seeded(index: number): object {
  const { id, category, score, title } = seedDocument(index);
  return { _id: id, category, score, title };
}

const GET_DOCUMENT = `query GetDocument($databaseId: String!, $collectionId: String!, $documentId: String!) {
  databasesGetDocument(databaseId: $databaseId, collectionId: $collectionId, documentId: $documentId) { _id data }
}`;

const LIST_WITH_TOTAL = `query ListDocuments($databaseId: String!, $collectionId: String!, $queries: [String!]) {
  databasesListDocuments(databaseId: $databaseId, collectionId: $collectionId, queries: $queries) { total documents { _id data } }
}`;

// `total: false` and no `total` selected: the gateway skips the count.
const LIST_WITHOUT_TOTAL = `query ListDocuments($databaseId: String!, $collectionId: String!, $queries: [String!]) {
  databasesListDocuments(databaseId: $databaseId, collectionId: $collectionId, queries: $queries, total: false) { documents { _id data } }
}`;

/** Equality on the index's first attribute, order on its second, one page. */
const pageQueries = (category: number): string[] => [
  JSON.stringify({ method: 'equal', attribute: 'category', values: [categoryName(category)] }),
  JSON.stringify({ method: 'orderDesc', attribute: 'score' }),
  JSON.stringify({ method: 'limit', values: [PAGE_SIZE] }),
];

/** No filter, the default order (`_sequence`), one page. */
const DEFAULT_ORDER_QUERIES = [JSON.stringify({ method: 'limit', values: [PAGE_SIZE] })];

/** What a list asks for: a category page by score (else the default order), with or without `total`. */
export interface ListShape {
  byCategory: boolean;
  withTotal: boolean;
}

const allIndexes = (size: number): number[] => Array.from({ length: size }, (_, index) => index);

function getDocument(collection: BenchCollection): Operation {
  const { databaseId, collectionId } = collection;
  return operation<number>({
    name: OPERATION.get,
    pick: () => randomBelow(collection.size),
    body: (index) => graphqlBody(GET_DOCUMENT, { databaseId, collectionId, documentId: documentId(index) }),
    check: (index, data) =>
      expectEqual(`document ${documentId(index)}`, answered((data as { databasesGetDocument: DocumentData }).databasesGetDocument), seeded(index)),
  });
}

/**
 * A list of `collection` as a caller who sees the documents `visible` admits (all of them by default); its
 * expected page and capped total are derived from bench/dataset.ts.
 */
export function listDocuments(
  name: string,
  collection: BenchCollection,
  shape: ListShape,
  countLimit: number,
  visible: (index: number) => boolean = () => true,
): Operation {
  const { databaseId, collectionId, size } = collection;
  return operation<number | null>({
    name,
    pick: () => (shape.byCategory ? randomBelow(CATEGORY_COUNT) : null),
    body: (category) =>
      graphqlBody(shape.withTotal ? LIST_WITH_TOTAL : LIST_WITHOUT_TOTAL, {
        databaseId,
        collectionId,
        queries: category === null ? DEFAULT_ORDER_QUERIES : pageQueries(category),
      }),
    check(category, data) {
      const list = (data as { databasesListDocuments: { total?: number; documents: DocumentData[] } }).databasesListDocuments;
      const what = category === null ? `first page over ${size} documents` : `page of ${categoryName(category)} by score desc over ${size} documents`;
      // Every match in the list's order; sorting all of a category by score is cheap next to a request.
      const matches = (category === null ? allIndexes(size) : topScoredIndexes(size, category, size)).filter(visible);
      expectEqual(`${what}: documents`, list.documents.map(answered), matches.slice(0, PAGE_SIZE).map(seeded));
      if (shape.withTotal) expectEqual(`${what}: total`, list.total, Math.min(matches.length, countLimit));
    },
  });
}

/** The three operations measured on each collection. */
export const documentOperations = (collection: BenchCollection, countLimit: number): Operation[] => [
  getDocument(collection),
  listDocuments(OPERATION.listWithTotal, collection, { byCategory: true, withTotal: true }, countLimit),
  listDocuments(OPERATION.listWithoutTotal, collection, { byCategory: true, withTotal: false }, countLimit),
];

export const baselineOperation = (): Operation =>
  operation<null>({
    name: OPERATION.baseline,
    pick: () => null,
    body: () => graphqlBody('{ hello }'),
    check: (_, data) => expectEqual('hello', (data as { hello: unknown }).hello, 'world'),
  });
