/** Who a benchmark request calls as: an API key, or a user through a JWT. */
export type Credential = { apiKey: string } | { jwt: string };

/** The headers every benchmark request carries, under load and in the verification requests alike. */
export const requestHeaders = (credential: Credential): Record<string, string> => ({
  'content-type': 'application/json',
  ...('apiKey' in credential ? { 'x-appwrite-key': credential.apiKey } : { 'x-appwrite-jwt': credential.jwt }),
});

export const graphqlBody = (query: string, variables?: Record<string, unknown>): string => JSON.stringify({ query, variables });

interface GraphQLAnswer {
  data?: unknown;
  errors?: { message: string }[];
}

/** POSTs a GraphQL request body and returns `data`; any HTTP or GraphQL error throws. */
export async function postGraphQL(url: string, credential: Credential, body: string): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: requestHeaders(credential), body });
  const text = await response.text();
  let answer: GraphQLAnswer;
  try {
    answer = JSON.parse(text) as GraphQLAnswer;
  } catch {
    throw new Error(`HTTP ${response.status} from ${url}: ${text.slice(0, 500)}`);
  }
  if (!response.ok || answer.errors?.length || answer.data === undefined) {
    throw new Error(`request ${body.slice(0, 300)} failed with HTTP ${response.status}: ${JSON.stringify(answer.errors ?? answer).slice(0, 500)}`);
  }
  return answer.data;
}
