import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, type ContextFunction, HeaderMap } from '@apollo/server';
import { context as otelContext } from '@opentelemetry/api';
import type express from 'express';
import type { Context } from './context.js';
import { ErrorCode } from './graphql/errors.js';
import type { Logger } from './observability/logger.js';
import { startOperation, type Tracing } from './observability/tracing.js';

/** SPEC §2: request bodies are at most 1 MiB (express.json's `1mb`). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** `application/json`, without a charset or with UTF-8 (what express.json decodes without iconv). */
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * True for the request almost every client sends: `POST /graphql` with a JSON body in UTF-8,
 * not compressed. Those are served by {@link graphqlPostHandler}; every other request, including
 * every other shape of a GraphQL request (GET, OPTIONS preflights, other content types and
 * charsets, compressed bodies, `/graphql/…`), keeps going through Express's full stack.
 */
export function isPlainGraphqlPost(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  if (url !== '/graphql' && !url.startsWith('/graphql?')) return false;
  const type = req.headers['content-type'];
  const encoding = req.headers['content-encoding'];
  return (
    type !== undefined &&
    PLAIN_JSON.test(type) &&
    (encoding === undefined || encoding.toLowerCase() === 'identity')
  );
}

/** A GraphQL-shaped error body for failures that happen before GraphQL runs. */
export function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

type Body = { kind: 'text'; text: string } | { kind: 'too-large' } | { kind: 'unreadable' };

/**
 * The body as text, at most {@link MAX_BODY_BYTES}. As express.json (raw-body) does: a declared
 * length over the limit is refused before reading, a streamed one once it passes the limit, and
 * the rest of the body is read off before answering, so the connection stays usable.
 */
function readBody(req: IncomingMessage): Promise<Body> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    let tooLarge = declared > MAX_BODY_BYTES;
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
      } else chunks.push(chunk);
    });
    req.once('end', () =>
      resolve(
        tooLarge
          ? { kind: 'too-large' }
          : {
              kind: 'text',
              text: chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString(),
            },
      ),
    );
    req.once('error', () => resolve({ kind: 'unreadable' }));
  });
}

/**
 * express.json's reading in strict mode: an empty body is `{}`, otherwise an object or an
 * array (a batch, which Apollo refuses); undefined for anything else. A leading BOM is dropped,
 * as its UTF-8 decoder does.
 */
function parseJson(text: string): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.length === 0) return {};
  // wider than JSON's whitespace, but JSON.parse refuses the difference anyway
  const first = source.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(source) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * `POST /graphql` with a JSON body, served straight from Node's request without Express's
 * router and body parser: at concurrency, a Carebot's single report spent about a sixth of its
 * CPU time in them. Everything the Express route does is done here in the same order with the
 * same parts: the same `cors` middleware, the 1 MiB limit with the same answers (413
 * PAYLOAD_TOO_LARGE, 400 for a body that is not JSON), the operation's trace span, the same
 * context function (authentication, request id), and Apollo (CSRF prevention, plugins: limits,
 * cost, rate limits, metrics, error format). The request and response get Express's prototypes
 * as Express's own entry does, so `req.ip`, `req.secure` (TRUST_PROXY) and `res.cookie` behave
 * the same.
 */
export function graphqlPostHandler(options: {
  apollo: ApolloServer<Context>;
  expressApp: express.Express;
  cors: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  context: ContextFunction<[{ req: express.Request; res: express.Response }], Context>;
  tracing: Tracing;
  logger: Logger;
}): (req: IncomingMessage, res: ServerResponse) => void {
  const { apollo, expressApp } = options;

  const execute = async (req: express.Request, res: express.Response, body: unknown) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url;
    const query = url.indexOf('?');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: 'POST',
        headers,
        search: query === -1 ? '' : url.slice(query),
        body,
      },
      context: () => options.context({ req, res }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const serve = async (req: express.Request, res: express.Response) => {
    const read = await readBody(req);
    if (read.kind === 'too-large') {
      sendJson(
        res,
        413,
        errorBody('The request body is larger than 1 MiB.', ErrorCode.PayloadTooLarge),
      );
      return;
    }
    if (read.kind === 'unreadable') {
      sendJson(
        res,
        400,
        errorBody('The request body could not be read.', ErrorCode.ValidationFailed),
      );
      return;
    }
    const body = parseJson(read.text);
    if (body === undefined) {
      sendJson(
        res,
        400,
        errorBody('The request body is not valid JSON.', ErrorCode.ValidationFailed),
      );
      return;
    }
    // the operation's span is active from here on, as on the Express route
    const operation = startOperation(options.tracing, 'http', req.headers);
    if (operation === undefined) {
      await execute(req, res, body);
      return;
    }
    res.once('close', () => {
      operation.span.setAttribute('http.response.status_code', res.statusCode);
      operation.span.end();
    });
    await otelContext.with(operation.context, () => execute(req, res, body));
  };

  const fail = (res: ServerResponse, error: unknown) => {
    options.logger.error({ err: error }, 'POST /graphql failed');
    if (res.headersSent) res.destroy();
    else sendJson(res, 500, errorBody('Internal server error.', ErrorCode.Internal));
  };

  return (req, res) => {
    // what Express's app.handle does before its router
    const request = req as express.Request;
    const response = res as express.Response;
    Object.setPrototypeOf(request, expressApp.request);
    Object.setPrototypeOf(response, expressApp.response);
    request.res = response;
    response.req = request;
    response.locals = Object.create(null) as Record<string, unknown>;
    options.cors(request, response, (error) => {
      if (error !== undefined) fail(res, error);
      else serve(request, response).catch((failure: unknown) => fail(res, failure));
    });
  };
}
