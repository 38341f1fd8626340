/**
 * docker-compose.yml, proven without a Docker engine (these machines and CI have none):
 *
 * 1. As written: it is valid by the Compose specification's JSON schema, pins its images, keeps
 *    its secrets in the env files `npm run compose:secrets` generates, and its services agree with
 *    each other (credentials, bucket, proxy routes, public URL). The schema,
 *    tools/compose-spec.schema.json, is compose-spec/compose-spec's schema/compose-spec.json as
 *    shipped byte for byte in the npm package dclint@3.1.0 (schemas/compose.schema.json; sha256
 *    46b7d35f19dd93a05f8fea530291bf84d881c1791ec167ecf0e6fb94e639d496).
 *
 * 2. Run: each service's own command (its `command`, else the image's CMD from the Dockerfile, or
 *    Caddy's) starts as a process, in `depends_on` order, with exactly that service's environment:
 *    the image's ENV, then its env_file (a freshly generated secrets folder), then `environment`
 *    after `${VAR:-default}` interpolation in an environment where none of those VARs is set (the
 *    README's `docker compose up`). Then the replicas must cooperate. What a Compose network has
 *    and one CI machine has not is mapped, and nothing else:
 *      - mariadb:3306 → a fresh database on TEST_DATABASE_URL's server, with its user (the test
 *        first checks that the URL's user, password and database are the mariadb service's);
 *      - redis:6379 → TEST_REDIS_URL, with a fresh REDIS_KEY_PREFIX (a Compose project has Redis to
 *        itself; CI's is shared);
 *      - minio:9000 → an in-process s3rver with its fixed S3RVER credentials; minio-init's
 *        `mc mb` (mc cannot run here) becomes a CreateBucket of the bucket it names;
 *      - each container's own network address → 127.0.0.1: HOST=127.0.0.1 and PORT a free port,
 *        and in the Caddyfile api-N:4000 and minio:9000 become those ports and `:80` a free one;
 *      - the published proxy, http://localhost:8080 → that Caddy port; `node` → this Node 24.
 *    It needs MariaDB, Redis and Caddy: like test/redis-pubsub.test.ts it runs when
 *    TEST_DATABASE_URL and TEST_REDIS_URL are set (.ci/run sets both and installs caddy).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Ajv } from 'ajv';
import draft7 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };
import { GraphQLClient } from 'graphql-request';
import { type Client, createClient } from 'graphql-ws';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parse } from 'yaml';
import { createOrm, type Orm } from '../src/database/orm.js';
import {
  CompleteUploadDocument,
  CreateUploadDocument,
  FileDocument,
  RaiseNotificationDocument,
  ServerInfoDocument,
} from './__generated__/graphql.js';
import { createFamily, type TestFamily } from './factories/families.js';
import { dropRedisNamespace, freshMariaDb } from './helpers/test-server.js';

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

// --- the Compose file, as Compose reads it -------------------------------------------------

interface ComposeService {
  image?: string;
  build?: string;
  command?: string | string[];
  entrypoint?: string | string[];
  env_file?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** Compose's interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`. */
function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(
    /\$(\$|[A-Za-z_][A-Za-z0-9_]*|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\})/g,
    (whole, token: string, name?: string, colon?: string, op?: string, arg?: string) => {
      if (token === '$') return '$';
      if (name === undefined) return vars[token] ?? '';
      const value = vars[name];
      const missing = value === undefined || (colon === ':' && value === '');
      if (op === undefined || !missing) return value ?? '';
      if (op === '-') return interpolate(arg ?? '', vars);
      throw new Error(`${whole}: ${name} is required: ${arg ?? ''}`);
    },
  );
}

function interpolateAll<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') return interpolate(value, vars) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => interpolateAll(item, vars)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateAll(item, vars)]),
    ) as T;
  return value;
}

/** The YAML as Compose validates it (merge keys resolved), before interpolation. */
const rawCompose = (): unknown => parse(read('docker-compose.yml'), { merge: true });
/** The file after interpolation in an environment that sets none of its variables. */
const compose = (): ComposeFile => interpolateAll(rawCompose() as ComposeFile, {});

/** `KEY=value` lines, as Compose reads an env file (our generated files need no quoting). */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match === null) throw new Error(`not an env file line: ${line}`);
    env[match[1]!] = match[2]!;
  }
  return env;
}

/** The runtime stage of the Dockerfile: its ENV and CMD (exec form). */
function imageOfDockerfile(): { env: Record<string, string>; cmd: string[]; from: string[] } {
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim());
  const from = lines.filter((line) => line.startsWith('FROM '));
  const runtime = lines.slice(lines.lastIndexOf(from.at(-1)!));
  const env: Record<string, string> = {};
  for (const line of runtime.filter((l) => l.startsWith('ENV '))) {
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const [key, ...value] = pair.split('=');
      env[key!] = value.join('=');
    }
  }
  const cmd = runtime.find((line) => line.startsWith('CMD '));
  return { env, cmd: JSON.parse(cmd!.slice(4)) as string[], from };
}

const SECRETS_DIR = 'compose/secrets/';

/** Runs `npm run compose:secrets`'s script into a new folder. */
function generateSecrets(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'carebot-compose-')), 'secrets');
  const result = spawnSync(process.execPath, [join(root, 'tools/compose-secrets.mjs'), dir], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`compose:secrets failed: ${result.stderr}`);
  return dir;
}

/** A service's environment as its container gets it; env files read from `secretsDir`. */
function environmentOf(file: ComposeFile, name: string, secretsDir: string) {
  const service = file.services[name]!;
  // the forms this reader understands; another (a list `environment`, an env_file object) fails
  if (Array.isArray(service.environment) || (service.build ?? '.') !== '.')
    throw new Error(`${name}: write environment as a mapping and build as .`);
  const env: Record<string, string> = service.build === undefined ? {} : imageOfDockerfile().env;
  for (const path of [service.env_file ?? []].flat()) {
    if (typeof path !== 'string') throw new Error(`${name}: write env_file as paths`);
    if (!path.startsWith(SECRETS_DIR)) throw new Error(`${name}: unexpected env_file ${path}`);
    Object.assign(
      env,
      parseEnvFile(readFileSync(join(secretsDir, path.slice(SECRETS_DIR.length)), 'utf8')),
    );
  }
  for (const [key, value] of Object.entries(service.environment ?? {}))
    if (value !== null) env[key] = String(value);
  return env;
}

const apiServices = (file: ComposeFile) =>
  Object.keys(file.services).filter(
    (name) =>
      file.services[name]!.build !== undefined && file.services[name]!.command === undefined,
  );

/** The bucket minio-init's `mc mb` creates. */
function bucketOf(file: ComposeFile): string {
  const script = [file.services['minio-init']!.command ?? []].flat().join(' ');
  const match = /mc mb --ignore-existing ([\w-]+)\/([\w.-]+)/.exec(script);
  if (match === null) throw new Error(`minio-init does not create a bucket: ${script}`);
  expect(script).toContain(`mc alias set ${match[1]} http://minio:9000 `);
  return match[2]!;
}

describe('docker-compose.yml as written', () => {
  it("is valid by the Compose specification's JSON schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
    // the schema names draft-07 by its https address; Ajv registers it under http
    ajv.addMetaSchema({ ...draft7, $id: 'https://json-schema.org/draft-07/schema' });
    const validate = ajv.compile(
      JSON.parse(read('tools/compose-spec.schema.json')) as Record<string, unknown>,
    );
    expect(validate(rawCompose()), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // the validator rejects what the specification does not allow
    expect(validate({ services: { api: { image: 'x', restart_policy: 'always' } } })).toBe(false);
  });

  it('pins every image by version, in the Compose file and the Dockerfile', () => {
    const pinned = /:(\d+\.\d+\.\d+(-[a-z]+)?|RELEASE\.[0-9TZ-]+)$/;
    for (const [name, service] of Object.entries(compose().services)) {
      // built here, not pulled
      if (service.build !== undefined) continue;
      expect(service.image, name).toMatch(pinned);
    }
    for (const from of imageOfDockerfile().from)
      expect(from).toMatch(/^FROM \S+:\d+\.\d+\.\d+-[a-z-]+( AS \w+)?$/);
  });

  it('takes its secrets only from the env files compose:secrets writes, never committed', () => {
    const file = compose();
    for (const [name, service] of Object.entries(file.services)) {
      for (const key of Object.keys(service.environment ?? {}))
        expect(`${name}: ${key}`).not.toMatch(/PASSWORD|SECRET|ACCESS_KEY|DATABASE_URL/);
      for (const path of [service.env_file ?? []].flat())
        expect(path).toMatch(/^compose\/secrets\//);
    }
    expect(read('.gitignore').split('\n')).toContain(SECRETS_DIR);
    // nor sent into the image's build context
    expect(read('.dockerignore').split('\n')).toContain('compose/secrets');
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(scripts['compose:secrets']).toBe('node tools/compose-secrets.mjs');

    const dir = generateSecrets();
    try {
      const first = readFileSync(join(dir, 'api.env'), 'utf8');
      expect(parseEnvFile(first)['FILE_URL_SECRET']).toMatch(/^[0-9a-f]{64}$/);
      // a second run keeps them: the volumes took the first passwords
      const again = spawnSync(process.execPath, [join(root, 'tools/compose-secrets.mjs'), dir]);
      expect(again.status).toBe(0);
      expect(readFileSync(join(dir, 'api.env'), 'utf8')).toBe(first);
      expect(generateSecretsAndRead()).not.toBe(first);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });

  it('wires its services to each other: credentials, bucket, proxy routes and public URL', () => {
    const file = compose();
    const dir = generateSecrets();
    try {
      const mariadb = environmentOf(file, 'mariadb', dir);
      const minio = environmentOf(file, 'minio', dir);
      const apis = apiServices(file);
      expect(apis).toEqual(['api-1', 'api-2']);
      const api = environmentOf(file, 'api-1', dir);
      expect(environmentOf(file, 'api-2', dir)).toEqual(api);

      const db = new URL(api['DATABASE_URL']!);
      expect([db.protocol, db.host, db.username, db.password, db.pathname]).toEqual([
        'mariadb:',
        'mariadb:3306',
        mariadb['MARIADB_USER'],
        mariadb['MARIADB_PASSWORD'],
        `/${mariadb['MARIADB_DATABASE']}`,
      ]);
      expect(environmentOf(file, 'migrate', dir)['DATABASE_URL']).toBe(api['DATABASE_URL']);
      expect(api).toMatchObject({
        NODE_ENV: 'production',
        REDIS_URL: 'redis://redis:6379',
        MIGRATE_ON_START: 'false',
        FILE_STORAGE: 's3',
        S3_ENDPOINT: 'http://minio:9000',
        S3_BUCKET: bucketOf(file),
        S3_FORCE_PATH_STYLE: 'true',
        S3_ACCESS_KEY_ID: minio['MINIO_ROOT_USER'],
        S3_SECRET_ACCESS_KEY: minio['MINIO_ROOT_PASSWORD'],
      });

      // one published port, the proxy's, and it is the URL in every signed link
      const published = Object.entries(file.services).filter(([, s]) => s.ports !== undefined);
      expect(published.map(([name, s]) => [name, s.ports])).toEqual([['proxy', ['8080:80']]]);
      expect(api['PUBLIC_API_URL']).toBe('http://localhost:8080');
      expect(api['S3_PUBLIC_ENDPOINT']).toBe(api['PUBLIC_API_URL']);
      const caddyfile = read('compose/Caddyfile');
      expect(file.services['proxy']!.volumes).toContain(
        './compose/Caddyfile:/etc/caddy/Caddyfile:ro',
      );
      expect(caddyfile).toMatch(/^:80 \{$/m);
      expect(caddyfile).toMatch(
        new RegExp(`handle /${api['S3_BUCKET']}/\\* \\{\\s*reverse_proxy minio:9000\\s*\\}`),
      );
      expect(caddyfile).toContain(
        `reverse_proxy ${apis.map((n) => `${n}:${api['PORT']}`).join(' ')} {`,
      );

      // start order: data stores, then the bucket and the schema, then the replicas, then the proxy
      const dependsOn = (name: string) =>
        Object.fromEntries(
          Object.entries(file.services[name]!.depends_on ?? {}).map(([n, d]) => [n, d.condition]),
        );
      expect(dependsOn('minio-init')).toEqual({ minio: 'service_healthy' });
      expect(dependsOn('migrate')).toEqual({ mariadb: 'service_healthy' });
      for (const name of apis)
        expect(dependsOn(name)).toEqual({
          mariadb: 'service_healthy',
          redis: 'service_healthy',
          'minio-init': 'service_completed_successfully',
          migrate: 'service_completed_successfully',
        });
      expect(dependsOn('proxy')).toEqual({
        'api-1': 'service_healthy',
        'api-2': 'service_healthy',
        minio: 'service_healthy',
      });
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});

/** A second, independent generation (its values must differ from another's). */
function generateSecretsAndRead(): string {
  const dir = generateSecrets();
  try {
    return readFileSync(join(dir, 'api.env'), 'utf8');
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
}

// --- the services, run ---------------------------------------------------------------------

const databaseUrl = process.env['TEST_DATABASE_URL'];
const redisUrl = process.env['TEST_REDIS_URL'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A service's process, with the tail of its output for failure messages. */
interface Proc {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function launch(name: string, argv: string[], env: Record<string, string>): Proc {
  const [command, ...args] = argv;
  const child = spawn(command!, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 60));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { name, child, output, exited };
}

const tail = (proc: Proc) => `${proc.name}:\n  ${proc.output.join('\n  ')}`;

/** Resolves when the process prints `pattern`; fails when it exits first. */
function printed(proc: Proc, pattern: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "${pattern}" in time\n${tail(proc)}`)),
      timeoutMs,
    );
    // `output` already holds the chunk: its listener was added first, in launch
    const seen = () => {
      if (!proc.output.some((line) => line.includes(pattern))) return;
      clearTimeout(timer);
      resolve();
    };
    proc.child.stdout!.on('data', seen);
    proc.child.stderr!.on('data', seen);
    seen();
    void proc.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before "${pattern}"\n${tail(proc)}`));
    });
  });
}

async function stop(proc: Proc | undefined): Promise<void> {
  if (proc === undefined || proc.child.exitCode !== null) return;
  proc.child.kill('SIGTERM');
  await proc.exited;
}

async function request<T, V extends Record<string, unknown>>(
  baseUrl: string,
  document: TypedDocumentNode<T, V>,
  variables: V,
  headers: Record<string, string>,
): Promise<T> {
  return new GraphQLClient(`${baseUrl}/graphql`, { headers }).request({
    document,
    variables,
  } as never);
}

/** graphql_ws_subscriptions_started_total of one replica, from its /metrics. */
async function subscriptionsStarted(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(
    /^graphql_ws_subscriptions_started_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0,
  );
}

describe.runIf(databaseUrl && redisUrl)('the Compose services, run as CI processes', () => {
  const file = compose();
  const apis = apiServices(file);
  const procs: Proc[] = [];
  const wsClients: Client[] = [];
  let work: string;
  let s3: S3rver | undefined;
  let db: { url: string; drop(): Promise<void> } | undefined;
  let orm: Orm | undefined;
  let redisPrefix: string;
  /** Each replica's own address, and the proxy's (the one URL users open). */
  const replica: Record<string, string> = {};
  let proxy: string;

  beforeAll(async () => {
    const caddy = spawnSync('caddy', ['version'], { encoding: 'utf8' });
    if (caddy.status !== 0)
      throw new Error('this test runs the proxy with Caddy: apt-get install caddy (.ci/run does)');
    // the image runs `npm run build`; this is the same, incremental (quick when dist is current)
    for (const argv of [
      [join(root, 'node_modules/typescript/bin/tsc'), '-b', join(root, 'tsconfig.json')],
      [join(root, 'tools/prune-dist.mjs')],
    ]) {
      const built = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}${built.stderr}`);
    }
    const secrets = generateSecrets();
    work = join(secrets, '..');

    // mariadb, redis and minio: CI's MariaDB and Redis, and s3rver
    db = await freshMariaDb(databaseUrl!);
    redisPrefix = `carebot-compose-${randomBytes(6).toString('hex')}`;
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(work, 's3') });
    const s3Url = `http://127.0.0.1:${(await s3.run()).port}`;
    const proxyPort = await freePort();
    proxy = `http://127.0.0.1:${proxyPort}`;
    const ports: Record<string, number> = {};
    for (const name of apis) ports[name] = await freePort();

    const mariadb = environmentOf(file, 'mariadb', secrets);
    const minio = environmentOf(file, 'minio', secrets);
    /** The mapping in this file's header comment, applied to one service's environment. */
    const mapped = (name: string): Record<string, string> => {
      const env = environmentOf(file, name, secrets);
      for (const [key, value] of Object.entries(env)) {
        if (value.startsWith('mariadb://')) {
          const url = new URL(value);
          expect([url.host, url.username, url.password, url.pathname]).toEqual([
            'mariadb:3306',
            mariadb['MARIADB_USER'],
            mariadb['MARIADB_PASSWORD'],
            `/${mariadb['MARIADB_DATABASE']}`,
          ]);
          env[key] = db!.url;
        } else if (value === 'redis://redis:6379') {
          env[key] = redisUrl!;
          env['REDIS_KEY_PREFIX'] = redisPrefix;
        } else if (value === 'http://minio:9000') env[key] = s3Url;
        else if (value === 'http://localhost:8080') env[key] = proxy;
      }
      if (env['S3_ACCESS_KEY_ID'] !== undefined) {
        expect([env['S3_ACCESS_KEY_ID'], env['S3_SECRET_ACCESS_KEY']]).toEqual([
          minio['MINIO_ROOT_USER'],
          minio['MINIO_ROOT_PASSWORD'],
        ]);
        env['S3_ACCESS_KEY_ID'] = 'S3RVER';
        env['S3_SECRET_ACCESS_KEY'] = 'S3RVER';
      }
      if (ports[name] !== undefined)
        Object.assign(env, { HOST: '127.0.0.1', PORT: String(ports[name]) });
      const left = Object.entries(env).filter(([, v]) =>
        /(\/\/|@)(mariadb|redis|minio|api-\d+)[:/]/.test(v),
      );
      expect(left, `${name} still names a Compose host`).toEqual([]);
      // every image has a PATH; nothing else comes from this process's environment
      return { PATH: process.env['PATH'] ?? '', ...env };
    };
    const argvOf = (name: string) => {
      const argv = [file.services[name]!.command ?? imageOfDockerfile().cmd].flat();
      return argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : argv;
    };

    // minio-init: the bucket its `mc mb` names
    await new S3Client({
      endpoint: s3Url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    }).send(new CreateBucketCommand({ Bucket: bucketOf(file) }));

    // migrate, to completion
    const migrate = launch('migrate', argvOf('migrate'), mapped('migrate'));
    procs.push(migrate);
    expect(await migrate.exited, tail(migrate)).toBe(0);

    // the replicas, each until it listens
    for (const name of apis) {
      const proc = launch(name, argvOf(name), mapped(name));
      procs.push(proc);
      replica[name] = `http://127.0.0.1:${ports[name]}`;
    }
    await Promise.all(procs.slice(1).map((proc) => printed(proc, 'Carebot API listening on')));

    // the proxy: the committed Caddyfile with the Compose hosts mapped, run as the caddy image does
    let caddyfile = read('compose/Caddyfile').replace(/^:80 \{$/m, `:${proxyPort} {`);
    caddyfile = caddyfile.replaceAll('minio:9000', s3Url.slice('http://'.length));
    for (const name of apis)
      caddyfile = caddyfile.replaceAll(`${name}:4000`, `127.0.0.1:${ports[name]}`);
    writeFileSync(join(work, 'Caddyfile'), caddyfile);
    const caddyProc = launch(
      'proxy',
      ['caddy', 'run', '--config', join(work, 'Caddyfile'), '--adapter', 'caddyfile'],
      {
        PATH: process.env['PATH'] ?? '',
        HOME: work,
        XDG_CONFIG_HOME: join(work, 'config'),
        XDG_DATA_HOME: join(work, 'data'),
      },
    );
    procs.push(caddyProc);
    await printed(caddyProc, 'serving initial configuration');

    orm = await createOrm({
      database: { driver: 'mariadb', url: db.url },
      dbPoolMax: 2,
      dbDebug: false,
    });
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled(wsClients.map(async (client) => client.dispose()));
    await Promise.allSettled([...procs].reverse().map((proc) => stop(proc)));
    await orm?.close();
    await s3?.close();
    await db?.drop();
    if (redisUrl !== undefined && redisPrefix !== undefined)
      await dropRedisNamespace(redisUrl, redisPrefix);
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  const family = (options: { caregivers?: number } = {}) =>
    createFamily({ server: { app: { orm: orm! } } }, options);

  const ws = (baseUrl: string, authorization: string) => {
    const client = createClient({
      url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: { authorization },
    });
    wsClients.push(client);
    return client;
  };

  /** Raises alerts until the subscriber has its first: Redis SUBSCRIBE completes asynchronously. */
  async function untilDelivered<T>(first: Promise<T>, raise: () => Promise<unknown>): Promise<T> {
    let received = false;
    void first.then(() => (received = true));
    for (let attempt = 0; attempt < 50 && !received; attempt += 1) {
      await raise();
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    if (!received) throw new Error('no alert reached the subscriber');
    return first;
  }

  /** Resolves once the replicas together have started `count` more subscriptions than `before`. */
  async function subscriptionsLive(before: number, count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    const total = async () =>
      (await Promise.all(apis.map((n) => subscriptionsStarted(replica[n]!)))).reduce(
        (a, b) => a + b,
        0,
      );
    while ((await total()) < before + count) {
      if (Date.now() > deadline) throw new Error('the subscription never became live');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const startedNow = async () =>
    (await Promise.all(apis.map((n) => subscriptionsStarted(replica[n]!)))).reduce(
      (a, b) => a + b,
      0,
    );

  const alert = (message: string) => ({
    input: { grade: 'CRIT' as const, kind: 'EMERGENCY' as const, message },
  });

  it("answers each replica's /readyz, and serves both replicas on the proxy's one port", async () => {
    for (const name of apis) {
      const ready = await fetch(`${replica[name]}/readyz`);
      expect([name, ready.status, await ready.json()]).toEqual([name, 200, { status: 'ready' }]);
    }
    expect((await fetch(`${proxy}/readyz`)).status).toBe(200);
    expect((await fetch(`${proxy}/metrics`)).status).toBe(404);
    // the URL the README tells users to open: GraphiQL for a browser
    const ide = await fetch(`${proxy}/graphql`, { headers: { accept: 'text/html' } });
    expect([ide.status, ide.headers.get('content-type')]).toEqual([
      200,
      'text/html; charset=utf-8',
    ]);
    const f = await family();
    const { serverInfo } = await request(proxy, ServerInfoDocument, {}, f.main.headers);
    expect(serverInfo.databaseDriver).toBe('MARIADB');
  });

  it('downloads through one replica a file uploaded through the other, from the shared bucket', async () => {
    const f = await family({ caregivers: 1 });
    const pdf = Buffer.from(`%PDF-1.4\n% uploaded through api-1 ${randomUUID()}\n%%EOF\n`);
    const { createUpload: ticket } = await request(
      replica['api-1']!,
      CreateUploadDocument,
      {
        input: {
          purpose: 'ATTACHMENT',
          contentType: 'application/pdf',
          byteSize: pdf.length,
          familyId: String(f.family.id),
        },
      },
      f.main.headers,
    );
    // signed for the one public URL, which routes the bucket to MinIO
    expect(ticket.uploadUrl.startsWith(`${proxy}/${bucketOf(file)}/`)).toBe(true);
    const put = await fetch(ticket.uploadUrl, {
      method: 'PUT',
      headers: Object.fromEntries(ticket.headers.map((h) => [h.name, h.value])),
      body: new Uint8Array(pdf),
    });
    expect(put.status, await put.text()).toBe(200);
    const { completeUpload } = await request(
      replica['api-1']!,
      CompleteUploadDocument,
      { fileId: ticket.fileId },
      f.main.headers,
    );
    expect(completeUpload.status).toBe('READY');

    const { file: seen } = await request(
      replica['api-2']!,
      FileDocument,
      { id: ticket.fileId },
      f.caregivers[0]!.headers,
    );
    expect(seen.url!.startsWith(`${proxy}/${bucketOf(file)}/`)).toBe(true);
    const got = await fetch(seen.url!);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(Buffer.from(await got.arrayBuffer()).equals(pdf)).toBe(true);
  });

  /**
   * Subscribes as the family's caregiver at `at` and waits until a replica has started the
   * subscription; `first` is the first alert it receives.
   */
  async function subscribe(f: TestFamily, at: string) {
    const before = await startedNow();
    const events = ws(at, f.caregivers[0]!.headers.authorization).iterate({
      query: 'subscription { notificationAdded { message } }',
    });
    const first = events.next().then(async (result) => {
      await events.return?.();
      return result.value as { data?: { notificationAdded: { message: string } } } | undefined;
    });
    await subscriptionsLive(before, 1);
    return { first };
  }

  it('delivers an alert raised on one replica to a subscriber on the other', async () => {
    const f = await family({ caregivers: 1 });
    const message = `fell in the kitchen ${randomUUID()}`;
    const { first } = await subscribe(f, replica['api-2']!);
    const received = await untilDelivered(first, () =>
      request(replica['api-1']!, RaiseNotificationDocument, alert(message), f.device.headers),
    );
    expect(received?.data?.notificationAdded.message).toBe(message);
  });

  it("passes a subscriber's WebSocket through the proxy, reached by alerts from either replica", async () => {
    for (const from of apis) {
      const f = await family({ caregivers: 1 });
      const message = `raised on ${from} ${randomUUID()}`;
      const { first } = await subscribe(f, proxy);
      const received = await untilDelivered(first, () =>
        request(replica[from]!, RaiseNotificationDocument, alert(message), f.device.headers),
      );
      expect(received?.data?.notificationAdded.message).toBe(message);
    }
  });
});
