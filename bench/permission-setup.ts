import { createDocumentSecurityCollection, type BenchCollection } from './create-collections.ts';
import { graphqlBody, postGraphQL } from './graphql-client.ts';
import { BENCH_USER_ID, readRoleOf, TEAM_COUNT, TEAM_ROLE, teamId } from './permission-dataset.ts';
import type { GatewayProcess } from './server-processes.ts';

/**
 * The permission benchmark's identities and collection, made through the API with the root key: a user, 50
 * teams with a membership of the user in each, and a document-security collection (run after createCollections,
 * whose database it uses). Its rows are bulk-loaded later, with the other collections.
 */

const CREATE_USER = `mutation { usersCreate(userId: "${BENCH_USER_ID}", email: "bench@example.com", password: "bench-password", name: "Bench") { _id } }`;

/** Teams per mutation: well within the gateway's alias and token limits (GRAPHQL_MAX_ALIASES, GRAPHQL_MAX_TOKENS). */
const TEAMS_PER_MUTATION = 10;

// Top-level mutation fields run one after another: each team exists before its membership is added.
const createTeamsAndMemberships = (first: number, count: number): string => {
  const teams = Array.from({ length: count }, (_, i) => first + i);
  return (
    `mutation {\n${teams.map((team) => `  t${team}: teamsCreate(teamId: "${teamId(team)}", name: "Team ${team}") { _id }`).join('\n')}\n` +
    `${teams.map((team) => `  m${team}: teamsCreateMembership(teamId: "${teamId(team)}", userId: "${BENCH_USER_ID}", roles: ["${TEAM_ROLE}"]) { _id }`).join('\n')}\n}`
  );
};

const CREATE_JWT = `mutation CreateJwt($userId: String!) { usersCreateJWT(userId: $userId, duration: 3600) { jwt } }`;

export async function setUpPermissionCollection(gateway: GatewayProcess, size: number): Promise<BenchCollection> {
  const send = (body: string) => postGraphQL(gateway.server.url, { apiKey: gateway.apiKey }, body);
  await send(graphqlBody(CREATE_USER));
  for (let first = 0; first < TEAM_COUNT; first += TEAMS_PER_MUTATION) {
    await send(graphqlBody(createTeamsAndMemberships(first, Math.min(TEAMS_PER_MUTATION, TEAM_COUNT - first))));
  }
  return createDocumentSecurityCollection(gateway, size, readRoleOf);
}

/** A JWT for the benchmark user, valid for an hour (the longest allowed): minted on the gateway that is measured. */
export async function mintUserJwt(gateway: GatewayProcess): Promise<string> {
  const data = await postGraphQL(gateway.server.url, { apiKey: gateway.apiKey }, graphqlBody(CREATE_JWT, { userId: BENCH_USER_ID }));
  return (data as { usersCreateJWT: { jwt: string } }).usersCreateJWT.jwt;
}
