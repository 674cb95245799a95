import { expect } from 'vitest';
import type { ErrorType } from '../../src/errors/types.ts';

/** Matches a thrown AppwriteError by its type and, when given, its exact message: `toThrow(appwriteError(…))`. */
export function appwriteError(type: ErrorType, message?: string): unknown {
  return expect.objectContaining(message === undefined ? { type } : { type, message });
}
