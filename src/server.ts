import 'reflect-metadata';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { context } from '@opentelemetry/api';
import { parse as parseCookies } from 'cookie';
import cors from 'cors';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { App } from './app.js';
import type { Config } from './config.js';
import { credentialFrom, SESSION_COOKIE, viewerFor } from './auth/credentials.js';
import { type AppOptions, createApp } from './composition.js';
import { createContext, requestIdFrom, type Context, type HttpExchange } from './context.js';
import type { EntityManager } from './database/orm.js';
import { ErrorCode } from './graphql/errors.js';
import { formatError } from './graphql/format-error.js';
import { PARSE_OPTIONS, queryLimits } from './graphql/limits.js';
import { mountGraphiql } from './ide/graphiql.js';
import { mountWebApp } from './web/web-app.js';
import type { PeriodicJobs } from './jobs/periodic.js';
import { startJobs } from './jobs/start-jobs.js';
import { File, FileStatus } from './modules/file/file.entity.js';
import {
  BodyTooLargeError,
  LocalFileStorage,
  STORAGE_KEY,
  type SignedQuery,
} from './modules/file/file.storage.js';
import { FLOW_COOKIE, FLOW_TTL_MS, type OAuthHttpResult } from './modules/oauth/oauth.service.js';
import { observabilityPlugin } from './observability/apollo-plugin.js';
import { startOperation } from './observability/tracing.js';
import { OperationGate } from './realtime/operation.js';
import { createSseHandler, SSE_PATH } from './realtime/sse.js';
import { attachWsServer } from './realtime/ws-server.js';
import { mutationRateLimitPlugin } from './security/rate-limit-plugin.js';
import { createSchema } from './schema.js';

/** SPEC §2: request bodies are at most 1 MiB. */
const MAX_BODY = '1mb';

/**
 * Connections the kernel queues for us while we are busy, e.g. thousands of dashboards
 * reconnecting at once after a deploy: Node's default of 511 resets the rest. The kernel caps
 * it at `net.core.somaxconn` (4096 on current Linux).
 */
const LISTEN_BACKLOG = 4096;

/**
 * How long an idle keep-alive connection stays open. Longer than the usual proxy idle timeout
 * (60 s) and far longer than a client's own (undici: the server's hint − 1 s): with Node's 5 s
 * the server could close a connection just as a client, its timers late under load, sent the
 * next request on it — a POST then fails with ECONNRESET and is not retried.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface RunningServer {
  app: App;
  /** `http://host:port/graphql` */
  url: string;
  /** `ws://host:port/graphql` */
  wsUrl: string;
  port: number;
  /** The periodic jobs this instance takes part in (tests tick them). */
  periodic: PeriodicJobs;
  /** Stops accepting work, closes sockets, drains requests and disconnects the database. */
  close(): Promise<void>;
}

/** A GraphQL-shaped error body for failures that happen before GraphQL runs. */
function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

const bodyErrors: ErrorRequestHandler = (
  error: { type?: string; status?: number },
  _req,
  res,
  next,
) => {
  if (error.type === 'entity.too.large') {
    res
      .status(413)
      .json(errorBody('The request body is larger than 1 MiB.', ErrorCode.PayloadTooLarge));
  } else if (error.type === 'entity.parse.failed') {
    res
      .status(400)
      .json(errorBody('The request body is not valid JSON.', ErrorCode.ValidationFailed));
  } else if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    // charset, encoding and other body problems: the client's fault, answered as GraphQL errors
    res
      .status(error.status)
      .json(errorBody('The request body could not be read.', ErrorCode.ValidationFailed));
  } else {
    next(error);
  }
};

/** Reads the signed query of a `/files/:key` request (first value of each parameter). */
function signedQuery(query: Record<string, unknown>): Partial<SignedQuery> {
  const pick = (name: string) => {
    const value = query[name];
    return typeof value === 'string' ? value : undefined;
  };
  return { exp: pick('exp'), sig: pick('sig'), ct: pick('ct'), len: pick('len') };
}

/**
 * The local storage driver's signed URLs: `PUT /files/:key` stores exactly the signed length of
 * the signed content type, `GET /files/:key` serves it. Both refuse a bad or expired signature
 * with 403, without saying whether the object exists.
 */
function serveLocalFiles(
  expressApp: express.Express,
  storage: LocalFileStorage,
  config: Config,
  /** Whether a file still waits for its bytes: a used upload URL must not write again. */
  awaitingUpload: (fileId: string) => Promise<boolean>,
): void {
  const refuse = (res: express.Response, status: number, message: string) => {
    res.status(status).type('text/plain').send(message);
  };
  const filesCors = cors({ origin: config.corsOrigins, maxAge: 600 });
  expressApp.options('/files/:key', filesCors);
  expressApp.put('/files/:key', filesCors, async (req, res) => {
    const { key } = req.params;
    const query = signedQuery(req.query);
    if (
      !STORAGE_KEY.test(key) ||
      !key.endsWith('.upload') ||
      query.len === undefined ||
      !storage.signer.verify('PUT', key, query) ||
      !(await awaitingUpload(key.slice(0, -'.upload'.length)))
    ) {
      refuse(res, 403, 'The upload URL is invalid or has expired.');
      return;
    }
    if (req.headers['content-type'] !== query.ct) {
      refuse(res, 400, `The content-type must be ${query.ct}.`);
      return;
    }
    const declared = Number(query.len);
    const length = req.headers['content-length'];
    if (length !== undefined && Number(length) !== declared) {
      refuse(res, 413, `The body must be exactly ${declared} bytes.`);
      return;
    }
    try {
      await storage.receive(key, req, declared);
      res.status(200).end();
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        refuse(res, 413, `The body must be exactly ${declared} bytes.`);
        return;
      }
      throw error;
    }
  });
  expressApp.get('/files/:key', filesCors, async (req, res) => {
    const { key } = req.params;
    const query = signedQuery(req.query);
    if (
      !STORAGE_KEY.test(key) ||
      key.endsWith('.upload') ||
      !storage.signer.verify('GET', key, query)
    ) {
      refuse(res, 403, 'The download URL is invalid or has expired.');
      return;
    }
    const bytes = await storage.read(key);
    if (bytes === null) {
      refuse(res, 404, 'Not found.');
      return;
    }
    res
      .status(200)
      .set({
        'content-type': query.ct ?? 'application/octet-stream',
        'cache-control': 'private, max-age=300',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      })
      .send(bytes);
  });
}

/** The session cookie of one request: the same flags for GraphQL and the social sign-in routes. */
function httpExchange(config: Config, req: express.Request, res: express.Response): HttpExchange {
  const secure = config.cookieSecure || req.secure;
  return {
    secure,
    setSessionCookie: (token, expiresAt) => {
      res.cookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/',
        ...(expiresAt === null ? {} : { expires: expiresAt }),
      });
    },
    clearSessionCookie: () => {
      res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
    },
  };
}

/**
 * Social sign-in (src/modules/oauth): `GET /auth/:provider` starts a flow, its callback ends in
 * our session cookie; both answer with redirects only. The flow cookie is Lax so the provider's
 * top-level redirect back carries it, and scoped to `/auth`.
 */
function serveSocialSignIn(expressApp: express.Express, app: App, config: Config): void {
  const oauth = app.services.oauth;
  const answer = (req: express.Request, res: express.Response, result: OAuthHttpResult) => {
    if (result.kind === 'not-found') {
      res.status(404).type('text/plain').send('Not found.');
      return;
    }
    const secure = config.cookieSecure || req.secure;
    const flowCookie = { httpOnly: true, sameSite: 'lax', secure, path: '/auth' } as const;
    if (result.flowCookie === null) res.clearCookie(FLOW_COOKIE, flowCookie);
    else if (result.flowCookie !== undefined)
      res.cookie(FLOW_COOKIE, result.flowCookie, { ...flowCookie, maxAge: FLOW_TTL_MS });
    if (result.sessionToken !== undefined)
      httpExchange(config, req, res).setSessionCookie(result.sessionToken, null);
    res.set('cache-control', 'no-store').redirect(303, result.location);
  };
  expressApp.get('/auth/:provider', async (req, res) => {
    answer(req, res, await oauth.start(req.params.provider));
  });
  expressApp.get('/auth/:provider/callback', async (req, res) => {
    const query = new URL(req.originalUrl, 'http://callback.invalid').searchParams;
    const cookies = parseCookies(req.headers.cookie ?? '');
    answer(
      req,
      res,
      await oauth.callback(req.params.provider, query, cookies[FLOW_COOKIE], {
        ip: req.ip ?? 'unknown',
        userAgent: req.headers['user-agent'],
      }),
    );
  });
}

/**
 * Starts one API instance: Apollo over HTTP and graphql-ws on the same port, over MikroORM.
 * The only module that knows the HTTP framework. Tests start it on port 0.
 */
export async function createServer(
  config: Config,
  options: AppOptions = {},
): Promise<RunningServer> {
  const built = await createApp(config, options);
  const { app, fileStorage } = built;
  const { orm } = app;
  const schema = await createSchema(app.pubSub);
  const limits = queryLimits({ fieldSuggestions: config.env !== 'production' });

  const expressApp = express();
  expressApp.disable('x-powered-by');
  // GraphQL answers POSTs, which no cache revalidates: hashing every response body for an ETag
  // was CPU spent for nothing on each report (files and the web app keep theirs: `send` sets them)
  expressApp.set('etag', false);
  expressApp.set('trust proxy', config.trustProxy);
  const httpServer = createHttpServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, expressApp);
  // one gate for both streaming transports: same validation, cost, rate limit and context
  const gate = new OperationGate(app, schema, limits.validationRules);
  const ws = attachWsServer({ app, httpServer, schema, gate });

  const exposeInternals = config.env === 'development';
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.introspection,
    csrfPrevention: true,
    // main.ts owns SIGTERM: Apollo's own handler stopped the server first and re-raised the
    // signal, and the process ended before the jobs, the database and the tracing were closed
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    validationRules: limits.validationRules,
    parseOptions: PARSE_OPTIONS,
    formatError: (formatted, error) =>
      formatError(formatted, error, {
        exposeInternals,
        suggestions: config.env !== 'production',
      }),
    plugins: [
      // armor's typings point at Apollo's CJS build; the plugins are the same objects
      ...(limits.plugins as unknown as ApolloServerPlugin<Context>[]),
      // drain within the shutdown budget, so the database still closes cleanly afterwards
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: Math.max(0, config.shutdownTimeoutMs - 2000),
      }),
      { serverWillStart: async () => ({ drainServer: () => ws.dispose() }) },
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ...(config.env === 'production' ? [ApolloServerPluginLandingPageDisabled()] : []),
      observabilityPlugin(),
      mutationRateLimitPlugin(),
    ],
  });
  await apollo.start();

  expressApp.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  expressApp.get('/readyz', async (_req, res) => {
    const connected = await orm.isConnected().catch(() => false);
    res
      .status(connected ? 200 : 503)
      .json({ status: connected ? 'ready' : 'database unreachable' });
  });
  expressApp.get('/metrics', async (_req, res) => {
    res.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics());
  });
  if (fileStorage instanceof LocalFileStorage) {
    serveLocalFiles(
      expressApp,
      fileStorage,
      config,
      async (fileId) =>
        (await orm.em.fork().count(File, { id: fileId, status: FileStatus.PENDING })) > 0,
    );
  }
  serveSocialSignIn(expressApp, app, config);
  mountGraphiql(expressApp, config);
  mountWebApp(expressApp, config);
  // the operation's span is active from here on: the context function's SQL, the resolvers, and
  // the log lines they write are in its trace; it ends with the response
  const traceOperation: RequestHandler = (req, res, next) => {
    const operation = startOperation(app.tracing, 'http', req.headers);
    if (operation === undefined) return next();
    res.once('close', () => {
      operation.span.setAttribute('http.response.status_code', res.statusCode);
      operation.span.end();
    });
    context.with(operation.context, next);
  };
  const sse = createSseHandler({ app, schema, gate });
  expressApp.use(
    SSE_PATH,
    cors({ origin: config.corsOrigins, credentials: true, maxAge: 600 }),
    express.json({ limit: MAX_BODY }),
    bodyErrors,
    ((req, res, next) => {
      sse(req, res).catch(next);
    }) satisfies RequestHandler,
  );
  expressApp.use(
    '/graphql',
    cors({ origin: config.corsOrigins, credentials: true, maxAge: 600 }),
    express.json({ limit: MAX_BODY }),
    bodyErrors,
    traceOperation,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = requestIdFrom(req.headers['x-request-id']);
        res.setHeader('x-request-id', requestId);
        // forked on first use: a cached device's report needs no fork (one INSERT on the root em)
        let fork: EntityManager | undefined;
        const em = () => (fork ??= orm.em.fork({ loggerContext: { requestId } }));
        const credential = credentialFrom(req.headers.authorization, req.headers.cookie);
        const http = httpExchange(config, req, res);
        return createContext(app, {
          requestId,
          transport: 'http',
          em,
          viewer: await viewerFor(em, credential, app.devices),
          ip: req.ip,
          userAgent: req.headers['user-agent'],
          http,
        });
      },
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () =>
      resolve(),
    );
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  if (fileStorage instanceof LocalFileStorage)
    fileStorage.baseUrl = config.publicApiUrl ?? `http://${host}:${port}`;

  // background work starts once the server listens: recovering jobs never delays serving
  const jobs = await startJobs(app);

  let closing: Promise<void> | undefined;
  return {
    app,
    port,
    periodic: jobs.periodic,
    url: `http://${host}:${port}/graphql`,
    wsUrl: `ws://${host}:${port}/graphql`,
    close: () => {
      // each step runs even when an earlier one failed; the first failure is reported at the end
      closing ??= (async () => {
        const failures: unknown[] = [];
        const step = async (work: () => Promise<unknown>) => {
          try {
            await work();
          } catch (error) {
            failures.push(error);
          }
        };
        await step(() => jobs.stop());
        await step(() => apollo.stop());
        await step(() => built.close());
        if (failures.length > 0) throw failures[0];
      })();
      return closing;
    },
  };
}
