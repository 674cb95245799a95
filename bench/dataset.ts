import { formatDatetime } from '../src/validation/datetime.ts';

/**
 * The seeded documents, computed from their index alone: the seeder writes them, and the verification
 * requests derive the exact answers they expect from the same functions.
 */

/** Each category holds ~1% of the documents, so an equality filter on it matches ~1% of the rows. */
export const CATEGORY_COUNT = 100;
const EPOCH_MS = Date.UTC(2024, 0, 1);

export interface SeedDocument {
  id: string;
  category: string;
  score: number;
  title: string;
  /** Creation and update time, in the gateway's stored format. */
  at: string;
}

export const documentId = (index: number): string => `doc${index}`;
export const categoryName = (category: number): string => `c${category}`;

/** Scores are scattered (Knuth's multiplicative hash), so sorting by score is real work, yet reproducible. */
const scoreOf = (index: number): number => (Math.imul(index + 1, 2654435761) >>> 0) % 1_000_000;

export function seedDocument(index: number): SeedDocument {
  return {
    id: documentId(index),
    category: categoryName(index % CATEGORY_COUNT),
    score: scoreOf(index),
    title: `Benchmark document number ${index}`,
    at: formatDatetime(new Date(EPOCH_MS + index * 1000)),
  };
}

/**
 * The indexes of the documents a list of `category` sorted by score descending starts with. Documents are inserted in index
 * order, so `_sequence` follows the index, and the gateway breaks score ties by `_sequence` in the same
 * (descending) direction.
 */
export function topScoredIndexes(size: number, category: number, limit: number): number[] {
  const members: number[] = [];
  for (let index = category; index < size; index += CATEGORY_COUNT) members.push(index);
  members.sort((a, b) => scoreOf(b) - scoreOf(a) || b - a);
  return members.slice(0, limit);
}
