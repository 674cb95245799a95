import { GraphQLError } from 'graphql';
import { ERROR_TYPES, type ErrorType } from './types.ts';

/**
 * A client-facing error: a GraphQLError whose extensions carry Appwrite's error `type` and HTTP `code`.
 * Anything else thrown in a resolver is masked by Yoga as an internal error (and logged).
 */
export class AppwriteError extends GraphQLError {
  readonly type: ErrorType;

  constructor(type: ErrorType, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { type, code: ERROR_TYPES[type], ...extra } });
    this.type = type;
  }
}
