import { lexicographicSortSchema, specifiedDirectives, type GraphQLSchema } from 'graphql';
import { addAccountSchema } from './account.ts';
import { createBuilder } from './builder.ts';
import { addAttributeSchema } from './attributes.ts';
import { addCollectionSchema } from './collections.ts';
import { addCommonTypes } from './common.ts';
import { addDatabaseSchema } from './databases.ts';
import { addDocumentSchema } from './documents.ts';
import { addIndexSchema } from './indexes.ts';
import type { RateLimitConfig } from '../rate-limit/config.ts';
import { rateLimitDirective } from '../rate-limit/directive.ts';
import type { SchemaRefs } from './refs.ts';
import { addScalars } from './scalars.ts';
import { addStorageSchema } from './storage.ts';
import { addTeamSchema } from './teams.ts';
import { addTokenSchema } from './tokens.ts';
import { addUserSchema } from './users.ts';

/**
 * Builds the whole GraphQL schema, every write operation with its rate limit. Pure and repeatable: a later step can call it again with more types
 * (typed per-collection fields) and swap the result into the running server.
 */
export function buildSchema(rateLimits: RateLimitConfig): GraphQLSchema {
  const builder = createBuilder(rateLimits);
  // Appwrite 1.8 deprecates its Databases API for TablesDB; with no TablesDB here to move to, the databases*
  // operations are not marked @deprecated (a deprecation must name a replacement the client can use).
  builder.queryType({ description: 'Reads. Each field is an Appwrite operation, named by its operationId.' });
  builder.mutationType({ description: 'Writes. Each field is an Appwrite operation, named by its operationId, with its rate limit.' });
  addScalars(builder);
  const { Status } = addCommonTypes(builder);
  const { Attribute } = addAttributeSchema(builder, { Status });
  const { Index } = addIndexSchema(builder, { Status });
  const { Preferences, MembershipList } = addTeamSchema(builder, { Status });
  const { User } = addUserSchema(builder, { Status, Preferences, MembershipList });
  const refs: SchemaRefs = { Status, Attribute, Index, User };
  addDatabaseSchema(builder, refs);
  addCollectionSchema(builder, refs);
  addDocumentSchema(builder, { Status });
  addAccountSchema(builder, { Status, User });
  addStorageSchema(builder, { Status });
  addTokenSchema(builder, { Status });
  return lexicographicSortSchema(builder.toSchema({ directives: [...specifiedDirectives, rateLimitDirective] }));
}
