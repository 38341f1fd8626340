import {
  type Attributes,
  type Context as TraceContext,
  context,
  defaultTextMapGetter,
  diag,
  DiagLogLevel,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { GraphQLError } from 'graphql';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from './logger.js';

/** How long closing waits for the last spans to reach the collector. */
const SHUTDOWN_TIMEOUT_MS = 5000;
/** Statements longer than this are cut in spans (a bulk insert can be megabytes of SQL). */
const MAX_STATEMENT_CHARS = 4096;

/** Attribute names (OpenTelemetry semantic conventions, stable database and GraphQL ones). */
const ATTR = {
  dbSystem: 'db.system.name',
  dbOperation: 'db.operation.name',
  dbStatement: 'db.query.text',
  operationType: 'graphql.operation.type',
  operationName: 'graphql.operation.name',
  errorCodes: 'graphql.error.codes',
  errorType: 'error.type',
} as const;

/**
 * The tracing of one server instance. Off (no SDK, `tracer` undefined, every helper a pass-through)
 * unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set; then spans go over OTLP/HTTP (protobuf) through
 * this instance's own provider, never a global one, so tests can run several instances.
 */
export interface Tracing {
  readonly tracer: Tracer | undefined;
  /** Exports every finished span now (tests call it instead of waiting for the batch). */
  forceFlush(): Promise<void>;
  /** Exports what is left and stops; bounded, so an unreachable collector cannot hold up exit. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = {
  tracer: undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

let registered = false;

/**
 * The context manager and the diagnostic logger are process-wide state in the OpenTelemetry API:
 * registered once, by the first instance that traces, and left in place (other instances in the
 * process may still trace). AsyncLocalStorage carries the active span through every await of an
 * operation's resolvers; the diagnostic logger reports spans the collector did not take.
 */
function registerGlobals(logger: Logger): void {
  if (registered) return;
  registered = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // outside any trace: an export runs in whichever span's context ended the batch
  const warn = (message: string) =>
    context.with(ROOT_CONTEXT, () => logger.warn({ component: 'opentelemetry' }, message));
  const ignore = () => undefined;
  diag.setLogger(
    { error: warn, warn, info: ignore, debug: ignore, verbose: ignore },
    DiagLogLevel.WARN,
  );
}

/** Starts tracing for one instance when the configuration asks for it. */
export function createTracing(config: Config['tracing'], logger: Logger): Tracing {
  if (config === undefined) return OFF;
  registerGlobals(logger);
  const provider = new TracerProvider({
    // OTEL_RESOURCE_ATTRIBUTES still applies; the configured service name wins
    resource: detectResources({ detectors: [envDetector] }).merge(
      resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    ),
    spanLimits: { attributeValueLengthLimit: MAX_STATEMENT_CHARS },
    spanProcessors: [
      new BatchSpanProcessor({
        // headers, timeout and compression come from the standard OTEL_EXPORTER_OTLP_* variables
        exporter: new OTLPTraceExporter({ url: `${config.endpoint}/v1/traces` }),
      }),
    ],
  });
  const tracer = provider.getTracer('carebot-api');
  return {
    tracer,
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        provider.shutdown().catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
    },
  };
}

/** The ids of the active span, for log lines (pino `mixin`); empty outside a trace. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/**
 * Marks a span failed with the error's class only: messages of database errors carry the
 * statement's values (and MariaDB quotes them), other messages may quote user input.
 */
export function recordFailure(span: Span | undefined, error: unknown): void {
  if (span === undefined) return;
  const type = error instanceof Error ? error.name : typeof error;
  span.setAttribute(ATTR.errorType, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/**
 * Runs `work` inside a new span that is active for everything it awaits (SQL, Redis, log lines),
 * ended when `work` settles. A pass-through when tracing is off.
 */
export async function inSpan<T>(
  tracer: Tracer | undefined,
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; root?: boolean },
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (tracer === undefined) return work(undefined);
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs `work` outside any trace: background loops started from inside an operation (a job runner
 * woken by a mutation) would otherwise attribute every later poll to that operation.
 */
export function detached<A extends unknown[]>(work: (...args: A) => void): (...args: A) => void {
  return context.bind(ROOT_CONTEXT, work);
}

/** One GraphQL operation's span and the context that makes it active. */
export interface OperationSpan {
  span: Span;
  context: TraceContext;
}

const propagator = new W3CTraceContextPropagator();

/**
 * Starts the span of one GraphQL operation, named `GraphQL Operation` until the operation is
 * known ({@link nameOperation}). Over HTTP it continues a W3C `traceparent` the caller sent (a
 * proxy or the dashboard); undefined when tracing is off.
 */
export function startOperation(
  tracing: Tracing,
  transport: 'http' | 'ws' | 'sse',
  headers?: Record<string, string | string[] | undefined>,
): OperationSpan | undefined {
  if (tracing.tracer === undefined) return undefined;
  const parent =
    headers === undefined
      ? ROOT_CONTEXT
      : propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  const span = tracing.tracer.startSpan(
    'GraphQL Operation',
    { kind: SpanKind.SERVER, attributes: { 'carebot.transport': transport } },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

/**
 * Names an operation span `query Dashboard` (`query` for an anonymous one); `name` must already
 * be bounded (the metrics' operation label), since span names are indexed.
 */
export function nameOperation(span: Span | undefined, type: string, name: string | null): void {
  if (span === undefined) return;
  span.updateName(name === null ? type : `${type} ${name}`);
  span.setAttribute(ATTR.operationType, type);
  if (name !== null) span.setAttribute(ATTR.operationName, name);
}

/**
 * Records an operation's error codes. Only a server fault (INTERNAL_SERVER_ERROR) fails the
 * span: a refused or invalid request is the client's outcome, as 4xx are for HTTP servers.
 */
export function recordOperationErrors(span: Span | undefined, codes: readonly string[]): void {
  if (span === undefined || codes.length === 0) return;
  span.setAttribute(ATTR.errorCodes, [...codes]);
  for (const code of codes) span.addEvent('graphql.error', { [ATTR.errorType]: code });
  if (codes.includes('INTERNAL_SERVER_ERROR')) {
    span.setAttribute(ATTR.errorType, 'INTERNAL_SERVER_ERROR');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'INTERNAL_SERVER_ERROR' });
  }
}

const SQL_OPERATION =
  /^\s*(select|insert|update|delete|begin|commit|rollback|savepoint|release|with|pragma|set)\b/i;

/**
 * Records one SQL statement that has just run, as a child of the active span (statements outside
 * a trace, such as the job runner's idle polls, are not recorded). MikroORM reports statements
 * after they ran, with their duration in whole milliseconds; `statement` must not carry values.
 */
export function recordStatement(
  tracer: Tracer,
  system: string,
  statement: string | undefined,
  tookMs: number | undefined,
  failed: boolean,
): void {
  if (trace.getActiveSpan() === undefined) return;
  const end = Date.now();
  const operation = statement === undefined ? undefined : SQL_OPERATION.exec(statement)?.[1];
  const attributes: Attributes = { [ATTR.dbSystem]: system };
  if (operation !== undefined) attributes[ATTR.dbOperation] = operation.toUpperCase();
  if (statement !== undefined) attributes[ATTR.dbStatement] = statement;
  const span = tracer.startSpan(operation?.toUpperCase() ?? system, {
    kind: SpanKind.CLIENT,
    startTime: end - (tookMs ?? 0),
    attributes,
  });
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(end);
}

/**
 * Gives every command `client` sends inside a trace a span (`EVALSHA`, `PUBLISH`…), without its
 * arguments (keys name accounts, values are data). Commands outside a trace are left alone.
 * Wraps this one client (not ioredis' prototype): other instances in the process keep theirs.
 */
export function traceRedis(client: Redis, tracer: Tracer | undefined): void {
  if (tracer === undefined) return;
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command, ...rest) => {
    if (trace.getActiveSpan() === undefined) return send(command, ...rest);
    const name = command.name.toUpperCase();
    const span = tracer.startSpan(name, {
      kind: SpanKind.CLIENT,
      attributes: { [ATTR.dbSystem]: 'redis', [ATTR.dbOperation]: name },
    });
    const result = send(command, ...rest);
    command.promise.then(
      () => span.end(),
      (error: unknown) => {
        recordFailure(span, error);
        span.end();
      },
    );
    return result;
  };
}

/** Runs `work` with `operation`'s span active (a pass-through when tracing is off). */
export function within<T>(operation: OperationSpan | undefined, work: () => T): T {
  return operation === undefined ? work() : context.with(operation.context, work);
}

/** Ends the span of an operation refused before it ran, with the codes it was answered with. */
export function endOperation(operation: OperationSpan | undefined, codes: readonly string[]): void {
  if (operation === undefined) return;
  recordOperationErrors(operation.span, codes);
  operation.span.end();
}

/**
 * Runs an operation's execution (`execute` or, for a subscription, `subscribe`) inside its span
 * and ends the span with the result: for a subscription that is its event stream being set up,
 * not its lifetime (a span open for hours helps no one; each event is delivered outside it).
 */
export function executeInSpan<R>(
  operation: OperationSpan | undefined,
  run: () => R,
  codesOf: (errors: readonly GraphQLError[]) => string[],
): R {
  if (operation === undefined) return run();
  const { span } = operation;
  const fail = (error: unknown) => {
    recordFailure(span, error);
    span.end();
  };
  const settle = (result: unknown) => {
    const errors = (result as { errors?: unknown } | null)?.errors;
    if (Array.isArray(errors)) recordOperationErrors(span, codesOf(errors as GraphQLError[]));
    span.end();
  };
  let result: R;
  try {
    result = context.with(operation.context, run);
  } catch (error) {
    fail(error);
    throw error;
  }
  if (result instanceof Promise) result.then(settle, fail);
  else settle(result);
  return result;
}
