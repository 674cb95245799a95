import type { Gateway } from '../../src/server.ts';
import { ROOT_KEY, startGateway, TEST_JWT_SECRET, type GraphQLResponse } from '../support/gateway.ts';
import type { Provider } from '../support/providers.ts';

/** A gateway on a fresh database with a clock the test moves, driven with arbitrary identity headers. */
export interface IdentityGateway {
  gateway: Gateway;
  /** Moves the gateway's clock forward. */
  advance(ms: number): void;
  call<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ body: GraphQLResponse<T>; headers: Headers }>;
  /** Like call, but returns data and fails on any error. */
  ok<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<T>;
  /** The error type of an operation that must fail. */
  errorType(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<string | undefined>;
  close(): Promise<void>;
}

export const asKey = { 'x-appwrite-key': ROOT_KEY };
export const asGuest = {};
export const PASSWORD = 'correct horse battery';

export async function startIdentityGateway(provider: Provider, env: Record<string, string> = {}): Promise<IdentityGateway> {
  let clock = Date.now();
  const started = await startGateway(provider, { JWT_SECRET: TEST_JWT_SECRET, ...env }, () => clock);
  const { gateway } = started;

  const call = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await gateway.fetch(
      new Request('http://gateway.test/v1/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) }),
    );
    return { body: (await response.json()) as GraphQLResponse, headers: response.headers };
  };
  return {
    gateway,
    advance: (ms) => void (clock += ms),
    call,
    async ok(query, variables, headers) {
      const { body } = await call(query, variables, headers);
      if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data;
    },
    async errorType(query, variables, headers) {
      const { body } = await call(query, variables, headers);
      return body.errors?.[0]?.extensions?.type;
    },
    close: () => started.close(),
  };
}

/** Signs up a user as a guest and signs them in: their session secret arrives in the response header. */
export async function signUp(t: IdentityGateway, userId: string): Promise<{ session: Record<string, string>; sessionId: string }> {
  const email = `${userId}@example.com`;
  await t.ok('mutation($u: String!, $e: String!, $p: String!) { accountCreate(userId: $u, email: $e, password: $p, name: $u) { _id } }', { u: userId, e: email, p: PASSWORD }, asGuest);
  const { body, headers } = await t.call('mutation($e: String!, $p: String!) { accountCreateEmailPasswordSession(email: $e, password: $p) { _id secret } }', { e: email, p: PASSWORD }, asGuest);
  const secret = headers.get('x-appwrite-session');
  if (!secret || body.errors) throw new Error(`sign-in failed: ${JSON.stringify(body.errors)}`);
  return { session: { 'x-appwrite-session': secret }, sessionId: body.data.accountCreateEmailPasswordSession._id };
}

export async function jwtFor(t: IdentityGateway, session: Record<string, string>): Promise<string> {
  return (await t.ok('mutation { accountCreateJWT { jwt } }', {}, session)).accountCreateJWT.jwt;
}
