import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { ApiKeyStore } from './auth/api-keys.ts';
import type { Config } from './config.ts';
import type { Database } from './db/open.ts';
import { abuseLimitsPlugins } from './http/abuse-limits.ts';
import { appwriteRequestPlugin } from './http/appwrite-request-plugin.ts';
import { bodyLimitPlugin } from './http/body-limit-plugin.ts';
import { resolveCaller } from './http/caller-resolver.ts';
import { HealthRoutes } from './http/health.ts';
import { matchFileRoute, serveFileRoute, type FileRouteDeps } from './http/file-routes.ts';
import { suggestionsFilterPlugin } from './http/suggestions-filter.ts';
import { InMemoryAttemptCounter, LOGIN_ATTEMPTS, type AttemptCounter } from './identity/attempt-limiter.ts';
import { RedisAttemptCounter } from './identity/redis-attempt-counter.ts';
import { CountCache } from './documents/count-cache.ts';
import { ReadSetCache } from './documents/read-sets.ts';
import { IdentityCache } from './identity/identity-cache.ts';
import type { IdentityServices } from './identity/services.ts';
import type { Logger } from './logger.ts';
import { CollectionCache } from './metadata/collection-cache.ts';
import { maskInternalError } from './observability/internal-errors.ts';
import { GatewayMetrics } from './observability/metrics.ts';
import { requestLogPlugin } from './observability/request-log-plugin.ts';
import { clientIp } from './rate-limit/client-ip.ts';
import { RATE_LIMIT_HEADERS, RateLimitReport, rateLimitHeadersPlugin } from './rate-limit/headers.ts';
import { FALLBACK_COOKIES_HEADER, SESSION_SECRET_HEADER } from './schema/account.ts';
import { RateLimiter } from './rate-limit/limiter.ts';
import { FallbackWindowStore, RedisWindowStore } from './rate-limit/redis-store.ts';
import { MemoryWindowStore, type WindowStore } from './rate-limit/store.ts';
import { SharedRedis } from './redis/shared-redis.ts';
import type { GatewayContext, Services } from './schema/context.ts';
import { buildSchema } from './schema/schema.ts';
import type { StorageServices } from './storage/context.ts';
import { FileStore } from './storage/file-store.ts';
import { isMultipart, uploadPlugin } from './storage/uploads.ts';
import { fileTokenKey } from './tokens/token-jwt.ts';

/** Files one multipart request may carry. */
const MAX_UPLOADS_PER_REQUEST = 10;
/** Room for a multipart request's operations, map and part headers beside its files. */
const MULTIPART_FORM_ALLOWANCE = 1024 * 1024;

/** GraphQL served at /v1/graphql and, as Appwrite does, /v1/graphql/mutation; /graphql for plain clients. */
const GRAPHQL_ENDPOINT_PATTERN = '{/v1}?/graphql{/mutation}?';

export interface GatewayOptions {
  config: Config;
  db: Database;
  logger: Logger;
  /** Injectable clock (ms since epoch) for tests. */
  now?: () => number;
  /**
   * The key of user JWTs (main passes resolveJwtSecret's). Omitted: JWT_SECRET, else a random key for this
   * process, so tokens do not outlive it (tests, embedding).
   */
  jwtSecret?: string;
}

/**
 * What the transport gives Yoga: node:http's request (its socket address is the client's, see TRUST_PROXY), or,
 * through the Fetch handler, the client address when the embedder knows it (tests); neither: loopback.
 */
export interface ServerContext {
  req?: IncomingMessage;
  clientAddress?: string;
}

export interface Gateway {
  yoga: YogaServerInstance<ServerContext, GatewayContext>;
  services: Services;
  db: Database;
  /** What the file routes (view, download, preview) need; createHttpServer serves them on node:http. */
  fileRoutes: FileRouteDeps;
  /** `/v1/health`, `/v1/health/live`, `/v1/health/ready`; serve marks it shutting down on SIGTERM. */
  health: HealthRoutes;
  /** A Fetch-API handler for GraphQL and health, for tests and embedding (file routes: see createHttpServer). */
  fetch: (request: Request, serverContext?: ServerContext) => Promise<Response>;
  /** Resolves once the shared store (Redis, when configured) is connected or given up on for now. */
  ready: Promise<void>;
  /** Closes what the gateway opened (the Redis connection); the database is the caller's. */
  close(): Promise<void>;
}

/**
 * Every change is heard either way; on PostgreSQL the TTL bounds staleness should a notice ever be lost unnoticed.
 * SQLite's watcher cannot miss a commit.
 */
const metadataTtlMs = (db: Database): number => (db.dialect === 'postgresql' ? 60_000 : Number.POSITIVE_INFINITY);

/**
 * What GraphiQL opens with: a query that runs as it is, and, commented, the steps to a first document (each was
 * run by test/observability/graphiql.test.ts). Credentials go in its Headers tab (GRAPHIQL_HEADERS).
 */
export const GRAPHIQL_DEFAULT_QUERY = `# Appwrite-compatible GraphQL gateway.
#
# Who you are is set in the Headers tab below:
#   "X-Appwrite-Key": "<API key>"    a server key (the first start prints one)
#   "X-Appwrite-JWT": "<JWT>"        a user (accountCreateJWT makes one);
#                                    "Authorization": "Bearer <JWT>" works too
# Leave them empty to call as a guest. Send one of them, not both.
#
# Run this with Ctrl-Enter. Then, one at a time, uncomment and run the
# operations below (select lines, Ctrl-/): a database, a collection with
# an attribute, a document, and a list filtered with queries.

query ListDatabases {
  databasesList {
    total
    databases { _id name enabled }
  }
}

# mutation CreateDatabase {
#   databasesCreate(databaseId: "blog", name: "Blog") { _id name }
# }

# mutation CreateCollection {
#   databasesCreateCollection(databaseId: "blog", collectionId: "posts", name: "Posts",
#     permissions: ["read(\\"any\\")", "create(\\"users\\")"]) { _id name }
# }

# mutation AddTitleAttribute {
#   databasesCreateStringAttribute(databaseId: "blog", collectionId: "posts",
#     key: "title", size: 128, required: true) { key status }
# }

# mutation CreateDocument {
#   databasesCreateDocument(databaseId: "blog", collectionId: "posts",
#     documentId: "unique()", data: {title: "Hello"}) { _id data }
# }

# query ListPosts {
#   databasesListDocuments(databaseId: "blog", collectionId: "posts", queries: [
#     "{\\"method\\":\\"equal\\",\\"attribute\\":\\"title\\",\\"values\\":[\\"Hello\\"]}",
#     "{\\"method\\":\\"limit\\",\\"values\\":[10]}"
#   ]) {
#     total
#     documents { _id data }
#   }
# }
`;

/** GraphiQL's Headers tab: empty values are not sent as credentials (the caller stays a guest). */
export const GRAPHIQL_HEADERS = JSON.stringify({ 'X-Appwrite-Key': '', 'X-Appwrite-JWT': '' }, null, 2);

/** One T per HTTP request, shared by the operations of a batch. */
function perRequest<T>(create: () => T): (request: Request) => T {
  const values = new WeakMap<Request, T>();
  return (request) => {
    let value = values.get(request);
    if (value === undefined) values.set(request, (value = create()));
    return value;
  };
}

/**
 * Lets resolvers add response headers (the new session secret for a guest who signs in): one Headers per HTTP
 * request, shared by the operations of a batch, copied onto the response.
 */
function responseHeadersPlugin(headersOf: (request: Request) => Headers): Plugin {
  return {
    onResponse({ request, response }) {
      headersOf(request).forEach((value, name) => response.headers.set(name, value));
    },
  };
}

function createIdentityServices(config: Config, db: Database, now: () => number, jwtSecret: string | undefined, redis: SharedRedis | null): IdentityServices {
  const localFailures = new InMemoryAttemptCounter(LOGIN_ATTEMPTS.windowMs, now);
  const loginFailures: AttemptCounter = redis ? new RedisAttemptCounter(redis, LOGIN_ATTEMPTS.windowMs, localFailures) : localFailures;
  return {
    prisma: db.prisma,
    cache: new IdentityCache(db.prisma, db.changes),
    jwtSecret: jwtSecret ?? config.jwtSecret ?? randomBytes(48).toString('base64url'),
    externalJwt: config.externalJwt,
    loginFailures,
    loginLimit: LOGIN_ATTEMPTS,
    now,
  };
}

function createStorageServices(config: Config, db: Database, now: () => number, identity: IdentityServices): StorageServices {
  return {
    db,
    store: new FileStore(config.storageDir),
    now,
    maxFileBytes: config.maxFileBytes,
    tokenKey: fileTokenKey(identity.jwtSecret),
    publicUrl: config.publicUrl,
  };
}

/** Rate-limit budgets: on Redis when configured (shared by instances, this process's memory while it is down). */
function createWindowStore(redis: SharedRedis | null, now: () => number): WindowStore {
  const local = new MemoryWindowStore(now);
  return redis ? new FallbackWindowStore(redis, new RedisWindowStore(redis.client, redis.keyPrefix, now), local) : local;
}

export function createGateway({ config, db, logger, now = Date.now, jwtSecret }: GatewayOptions): Gateway {
  const redis = config.redisUrl ? new SharedRedis(config.redisUrl, config.redisKeyPrefix, logger) : null;
  const schema = buildSchema(config.rateLimits);
  const metrics = config.metrics ? new GatewayMetrics(config.metrics, schema) : null;
  const identity = createIdentityServices(config, db, now, jwtSecret, redis);
  const services: Services = {
    config,
    catalog: {
      db,
      cache: new CollectionCache(db.prisma, { ttlMs: metadataTtlMs(db), channel: db.changes, now }),
      counts: new CountCache(config.countCacheEntries, db.changes),
      readSets: new ReadSetCache(now, { refreshMs: config.readSetRefreshMs }),
      now,
    },
    apiKeys: new ApiKeyStore(db.prisma, { rootApiKey: config.rootApiKey, channel: db.changes, now }),
    identity,
    storage: createStorageServices(config, db, now, identity),
    rateLimiter: new RateLimiter(createWindowStore(redis, now), config.rateLimits.exemptApiKeys, now, metrics ? (field) => metrics.rateLimitRejected(field) : undefined),
  };
  const responseHeadersOf = perRequest(() => new Headers());
  const rateLimitReportOf = perRequest(() => new RateLimitReport());

  const yoga = createYoga<ServerContext, GatewayContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT_PATTERN,
    graphiql: {
      endpoint: '/v1/graphql',
      title: 'Appwrite GraphQL gateway',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
      headers: GRAPHIQL_HEADERS,
    },
    // GraphiQL with its assets inlined, so it works without internet access (Yoga's default loads them from a CDN).
    // Loaded on the first browser visit: the bundle is large and most processes never serve it.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    landingPage: false,
    // Our plugin enforces Appwrite's batch limit with Appwrite's error; Yoga's own check must not fire first.
    // Any origin, as Yoga's default; browsers may read the headers the gateway answers with.
    cors: { exposedHeaders: [SESSION_SECRET_HEADER, FALLBACK_COOKIES_HEADER, 'X-Request-Id', ...Object.values(RATE_LIMIT_HEADERS)] },
    batching: { limit: Number.MAX_SAFE_INTEGER },
    // Replaced by bodyLimitPlugin, which leaves multipart uploads to the upload plugin.
    maxRequestBodySize: false,
    logging: {
      debug: (...args) => logger.debug(String(args[0])),
      info: (...args) => logger.info(String(args[0])),
      warn: (...args) => logger.warn(String(args[0])),
      // Yoga also logs each error it masks: the request log does, with the request ID (see maskInternalError).
      error: (...args) => args[0] instanceof Error || logger.error(String(args[0])),
    },
    maskedErrors: { maskError: maskInternalError },
    plugins: [
      requestLogPlugin({ logger, ...(metrics ? { observe: (summary) => metrics.observe(summary) } : {}) }),
      ...(metrics ? metrics.plugins() : []),
      uploadPlugin({ tempDir: services.storage.store.uploadsDir, maxFileBytes: config.maxFileBytes, maxFiles: MAX_UPLOADS_PER_REQUEST }),
      bodyLimitPlugin(config.maxBodyBytes, isMultipart),
      appwriteRequestPlugin(),
      ...abuseLimitsPlugins(config.graphqlLimits),
      suggestionsFilterPlugin((request) => callerOf(request.headers)),
      responseHeadersPlugin(responseHeadersOf),
      rateLimitHeadersPlugin(rateLimitReportOf),
    ],
    context: async ({ request, req, clientAddress }) => ({
      services,
      caller: await callerOf(request.headers),
      clientIp: clientIp(req?.socket.remoteAddress ?? clientAddress, request.headers.get('x-forwarded-for'), config.trustProxy),
      responseHeaders: responseHeadersOf(request),
      rateLimitReport: rateLimitReportOf(request),
    }),
  });
  const callerOf = (headers: Headers) => resolveCaller(headers, services.apiKeys, services.identity, config.projectId);
  const health = new HealthRoutes(db);

  return {
    yoga,
    services,
    db,
    fileRoutes: { storage: services.storage, resolveCaller: callerOf, logger },
    health,
    fetch: (request, serverContext = {}) => health.answer(new URL(request.url).pathname) ?? Promise.resolve(yoga.fetch(request, serverContext)),
    ready: redis ? redis.connected() : Promise.resolve(),
    close: async () => redis?.close(),
  };
}

/**
 * The node:http server around the gateway: file routes stream from disk here, the rest goes to Yoga. Bodies
 * are limited by MAX_BODY_BYTES, multipart uploads by MAX_FILE_BYTES plus room for the other form fields.
 */
export function createHttpServer(gateway: Gateway, config: Config): Server {
  return createServer((req, res) => {
    const length = Number(req.headers['content-length'] ?? 0);
    const multipart = req.headers['content-type']?.startsWith('multipart/form-data') ?? false;
    const limit = multipart ? config.maxFileBytes + MULTIPART_FORM_ALLOWANCE : config.maxBodyBytes;
    if (length > limit) {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ message: `Request body too large: the limit is ${limit} bytes`, type: 'general_argument_invalid', code: 413 }));
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://gateway');
    } catch {
      // A request target no URL parser accepts: answered here, never thrown out of the request handler.
      res.writeHead(400, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ message: 'Invalid request URL', type: 'general_argument_invalid', code: 400 }));
      return;
    }
    const fileRoute = matchFileRoute(url.pathname);
    if (fileRoute) {
      void serveFileRoute(req, res, url, fileRoute, gateway.fileRoutes);
      return;
    }
    const healthAnswer = gateway.health.answer(url.pathname);
    if (healthAnswer) {
      void healthAnswer.then(async (response) => {
        res.writeHead(response.status, { 'content-type': 'application/json' });
        res.end(await response.text());
      });
      return;
    }
    void gateway.yoga(req, res);
  });
}
