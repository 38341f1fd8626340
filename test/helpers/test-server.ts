import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ClientError, GraphQLClient } from 'graphql-request';
import { print } from 'graphql';
import { Redis } from 'ioredis';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { type Config, loadConfig } from '../../src/config.js';
import type { Orm } from '../../src/database/orm.js';
import { createScratchMariaDb } from '../../src/database/scratch-database.js';
import type { Logger } from '../../src/observability/logger.js';
import { createServer, type RunningServer } from '../../src/server.js';

/** A GraphQL error as a client receives it. */
export interface ReceivedError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface TestServer {
  server: RunningServer;
  /** Runs `work` and returns how many SQL statements the server issued meanwhile. */
  countQueries(work: () => Promise<unknown>): Promise<{ count: number; statements: string[] }>;
  config: Config;
  url: string;
  wsUrl: string;
  /** A typed HTTP client; `headers` e.g. `{ authorization: 'Bearer …' }`. */
  http(headers?: Record<string, string>): GraphQLClient;
  /** Runs an operation over HTTP and returns its data (throws a ClientError on errors). */
  request<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V>,
    variables?: V,
    headers?: Record<string, string>,
  ): Promise<T>;
  /** Runs an operation that must fail and returns its GraphQL errors. */
  requestErrors<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V>,
    variables?: V,
    headers?: Record<string, string>,
  ): Promise<ReceivedError[]>;
  /** A graphql-ws client on this server (closed with the server). */
  ws(connectionParams?: Record<string, unknown>): Client;
  /** How many subscriptions the server has started so far (ended ones included). */
  subscriptionsStarted(): Promise<number>;
  /**
   * Resolves once the server has started `count` subscriptions in all, so an event now reaches
   * the latest: counted from starts, not from live ones, since earlier ones end asynchronously.
   */
  waitForSubscriptions(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * What the factories write through: a test server's database, or one a test opened itself
 * beside API processes it started (test/compose.test.ts).
 */
export interface SeedTarget {
  server: { app: { orm: Orm } };
}

/** Creates a fresh, empty MariaDB database beside the one in `baseUrl`; returns its URL and a dropper. */
export async function freshMariaDb(
  baseUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  return createScratchMariaDb(baseUrl, 'carebot_t_');
}

/**
 * The time limit of a test that starts a server of its own: on MariaDB that is a new database
 * and every migration, which on a loaded machine takes longer than a test's usual 20 s (the same
 * limit as the hooks that start the file's server).
 */
export const SERVER_START_TIMEOUT_MS = 60_000;

/**
 * Starts the real server on a random port against a fresh database: a temporary SQLite file, or
 * a new MariaDB database when `TEST_DATABASE_URL=mariadb://…` is set (or another test server's
 * database, to play a second node).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: {
    shareDatabaseWith?: TestServer;
    /** The server's clock as services read it (e.g. a reading's receive time). */
    clock?: () => Date;
    /** The server's logger (default: pino at TEST_LOG_LEVEL, silent); tests read its lines. */
    logger?: Logger;
  } = {},
): Promise<TestServer> {
  const testDbUrl = process.env['TEST_DATABASE_URL'];
  let cleanup: () => Promise<void>;
  let databaseEnv: Record<string, string>;
  const shared = options.shareDatabaseWith?.config.database;
  if (shared !== undefined) {
    // a second API node on the first one's database (it owns and drops the database)
    databaseEnv =
      shared.driver === 'sqlite' ? { SQLITE_PATH: shared.path } : { DATABASE_URL: shared.url };
    cleanup = async () => undefined;
  } else if (testDbUrl !== undefined && testDbUrl !== '') {
    const db = await freshMariaDb(testDbUrl);
    databaseEnv = { DATABASE_URL: db.url, MIGRATE_ON_START: 'true' };
    cleanup = () => db.drop();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'carebot-test-'));
    databaseEnv = { SQLITE_PATH: join(dir, 'test.sqlite') };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  // one job queue per test database, shared by the nodes on it
  const redisKeyPrefix =
    options.shareDatabaseWith?.config.redisKeyPrefix ?? `carebot-test-${randomUUID()}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    REDIS_KEY_PREFIX: redisKeyPrefix,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    // tests never reach real services: weather and news are off unless a test points them at a fake
    WEATHER_PROVIDER: 'off',
    NEWS_FEEDS: '',
    ...databaseEnv,
    ...env,
  });
  let server: RunningServer;
  let recorder: string[] | undefined;
  try {
    server = await createServer(config, {
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      // only the statements of GraphQL operations: background jobs (AI worker polls, scheduled
      // jobs) may run at any moment and must not make counts flaky
      onQuery: (sql, context) => {
        if (context.requestId !== undefined) recorder?.push(sql);
      },
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  const wsClients: Client[] = [];

  const http = (headers: Record<string, string> = {}) =>
    new GraphQLClient(server.url, { headers: { 'content-type': 'application/json', ...headers } });

  const started = async () =>
    (await server.app.metrics.wsSubscriptionsStarted.get()).values[0]?.value ?? 0;
  const testServer: TestServer = {
    server,
    countQueries: async (work) => {
      recorder = [];
      try {
        await work();
        return { count: recorder.length, statements: recorder };
      } finally {
        recorder = undefined;
      }
    },
    config,
    url: server.url,
    wsUrl: server.wsUrl,
    http,
    request: (document, variables, headers) =>
      http(headers).request({
        document,
        ...(variables === undefined ? {} : { variables }),
      } as never),
    requestErrors: async (document, variables, headers) => {
      try {
        const data: unknown = await http(headers).request({
          document,
          ...(variables === undefined ? {} : { variables }),
        } as never);
        throw new Error(`expected errors, got data ${JSON.stringify(data)}`);
      } catch (error) {
        if (error instanceof ClientError && error.response.errors !== undefined) {
          return error.response.errors;
        }
        throw error;
      }
    },
    ws: (connectionParams) => {
      const client = createClient({
        url: server.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        ...(connectionParams === undefined ? {} : { connectionParams }),
      });
      wsClients.push(client);
      return client;
    },
    subscriptionsStarted: () => started(),
    waitForSubscriptions: async (count) => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const value = await started();
        if (value >= count) break;
        if (Date.now() > deadline)
          throw new Error(`only ${value} of ${count} subscriptions became live`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // the pub/sub listener is attached on the iterator's first pull, one turn after registration
      await new Promise((resolve) => setTimeout(resolve, 10));
    },
    close: async () => {
      await Promise.allSettled(wsClients.map(async (client) => client.dispose()));
      await server.close();
      await cleanup();
      // the first node on a database owns its Redis namespace too (queue entries, counters)
      if (config.redisUrl !== undefined && options.shareDatabaseWith === undefined)
        await dropRedisNamespace(config.redisUrl, config.redisKeyPrefix);
    },
  };
  return testServer;
}

/** Deletes every Redis key of one deployment's namespace. */
export async function dropRedisNamespace(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The source text of a typed document, for raw `fetch` tests. */
export function sourceOf(document: TypedDocumentNode<unknown, never>): string {
  return print(document);
}
