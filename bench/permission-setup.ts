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

// Top-level mutation fields run one after another: every team exists before the memberships are added.
const createTeamsAndMemberships = (): string =>
  `mutation {\n${Array.from({ length: TEAM_COUNT }, (_, team) => `  t${team}: teamsCreate(teamId: "${teamId(team)}", name: "Team ${team}") { _id }`).join('\n')}\n` +
  `${Array.from({ length: TEAM_COUNT }, (_, team) => `  m${team}: teamsCreateMembership(teamId: "${teamId(team)}", userId: "${BENCH_USER_ID}", roles: ["${TEAM_ROLE}"]) { _id }`).join('\n')}\n}`;

const CREATE_JWT = `mutation CreateJwt($userId: String!) { usersCreateJWT(userId: $userId, duration: 3600) { jwt } }`;

export async function setUpPermissionCollection(gateway: GatewayProcess, size: number): Promise<BenchCollection> {
  const send = (body: string) => postGraphQL(gateway.server.url, { apiKey: gateway.apiKey }, body);
  await send(graphqlBody(CREATE_USER));
  await send(graphqlBody(createTeamsAndMemberships()));
  return createDocumentSecurityCollection(gateway, size, readRoleOf);
}

/** A JWT for the benchmark user, valid for an hour (the longest allowed): minted on the gateway that is measured. */
export async function mintUserJwt(gateway: GatewayProcess): Promise<string> {
  const data = await postGraphQL(gateway.server.url, { apiKey: gateway.apiKey }, graphqlBody(CREATE_JWT, { userId: BENCH_USER_ID }));
  return (data as { usersCreateJWT: { jwt: string } }).usersCreateJWT.jwt;
}
