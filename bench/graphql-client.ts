/** The headers every benchmark request carries, under load and in the verification requests alike. */
export const requestHeaders = (apiKey: string): Record<string, string> => ({ 'content-type': 'application/json', 'x-appwrite-key': apiKey });

export const graphqlBody = (query: string, variables?: Record<string, unknown>): string => JSON.stringify({ query, variables });

interface GraphQLAnswer {
  data?: unknown;
  errors?: { message: string }[];
}

/** POSTs a GraphQL request body and returns `data`; any HTTP or GraphQL error throws. */
export async function postGraphQL(url: string, apiKey: string, body: string): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: requestHeaders(apiKey), body });
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
