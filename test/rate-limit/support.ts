import { randomBytes } from 'node:crypto';
import type { GqlOptions, TestGateway } from '../support/gateway.ts';

/** Redis for the shared-store cases; without REDIS_URL they are skipped with a visible message. */
export const REDIS_URL = process.env['REDIS_URL'] ?? '';

let warned = false;
export function warnIfRedisSkipped(suite: string): void {
  if (REDIS_URL || warned) return;
  warned = true;
  console.warn(`[skip] ${suite}: Redis cases skipped — set REDIS_URL (e.g. redis://127.0.0.1:6379) to run them`);
}

/** A key prefix of this run alone, so parallel test files and CI runs never share budgets. */
export const uniquePrefix = (name: string) => `test:${name}:${randomBytes(6).toString('hex')}:`;

export const PASSWORD = 'correct horse battery';

export const CREATE_DOCUMENT = 'mutation($id: String!) { databasesCreateDocument(databaseId: "db", collectionId: "notes", documentId: $id, data: {title: "x"}) { _id } }';

/** Database db, collection notes (a title attribute) that signed-in users may create in. */
export async function createNotes(t: Pick<TestGateway, 'ok'>): Promise<void> {
  await t.ok('mutation { databasesCreate(databaseId: "db", name: "db") { _id } }');
  await t.ok('mutation { databasesCreateCollection(databaseId: "db", collectionId: "notes", name: "notes", permissions: ["create(\\"users\\")", "create(\\"guests\\")"]) { _id } }');
  await t.ok('mutation { databasesCreateStringAttribute(databaseId: "db", collectionId: "notes", key: "title", size: 64, required: true) { key } }');
}

/** A user created and signed in with the API key (exempt from limits): their session header. */
export async function userSession(t: Pick<TestGateway, 'ok'>, userId: string): Promise<Record<string, string>> {
  const email = `${userId}@example.com`;
  await t.ok('mutation($u: String!, $e: String!, $p: String!) { usersCreate(userId: $u, email: $e, password: $p) { _id } }', { u: userId, e: email, p: PASSWORD });
  const data = await t.ok('mutation($e: String!, $p: String!) { accountCreateEmailPasswordSession(email: $e, password: $p) { secret } }', { e: email, p: PASSWORD });
  return { 'x-appwrite-session': data.accountCreateEmailPasswordSession.secret };
}

/** Creates a document as the session's user; the error type when refused (undefined when created). */
export async function createAs(t: Pick<TestGateway, 'gql'>, session: Record<string, string>, options: GqlOptions = {}): Promise<string | undefined> {
  const result = await t.gql(CREATE_DOCUMENT, { id: 'unique()' }, { key: null, headers: session, ...options });
  return result.errors?.[0]?.extensions?.type;
}
