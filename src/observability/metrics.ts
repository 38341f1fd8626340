import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Operation names are client-chosen: cap how many distinct ones become label values. */
const MAX_OPERATION_LABELS = 500;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The Prometheus metrics of one server instance (its own registry, so tests can run many). */
export class Metrics {
  readonly registry = new Registry();
  private readonly seenOperations = new Set<string>();

  readonly requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL operations handled, by operation name, type and outcome.',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL operation to sending its response, by operation name.',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly wsConnections = new Gauge({
    name: 'graphql_ws_connections_active',
    help: 'Open graphql-ws WebSocket connections.',
    registers: [this.registry],
  });

  readonly wsSubscriptions = new Gauge({
    name: 'graphql_ws_subscriptions_active',
    help: 'Running subscriptions over graphql-ws.',
    registers: [this.registry],
  });

  readonly wsSubscriptionsStarted = new Counter({
    name: 'graphql_ws_subscriptions_started_total',
    help: 'Subscriptions started over graphql-ws (ready to deliver).',
    registers: [this.registry],
  });

  readonly sseStreams = new Gauge({
    name: 'graphql_sse_streams_active',
    help: 'Open GraphQL over SSE streams (one operation each).',
    registers: [this.registry],
  });

  readonly sseSubscriptionsStarted = new Counter({
    name: 'graphql_sse_subscriptions_started_total',
    help: 'Subscriptions started over GraphQL over SSE (ready to deliver).',
    registers: [this.registry],
  });

  readonly liveEvents = new Counter({
    name: 'graphql_live_events_delivered_total',
    help: 'Events delivered to subscribers, by subscription.',
    labelNames: ['subscription'] as const,
    registers: [this.registry],
  });

  readonly liveLatency = new Histogram({
    name: 'graphql_live_delivery_seconds',
    help: 'Time from an event being raised to its hand-over to the subscriber socket.',
    labelNames: ['subscription'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics: boolean }) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** A bounded label value for a client-supplied operation name. */
  operationLabel(name: string | null | undefined): string {
    if (name === null || name === undefined || name === '') return '(anonymous)';
    if (!OPERATION_NAME.test(name)) return '(invalid)';
    if (this.seenOperations.has(name)) return name;
    if (this.seenOperations.size >= MAX_OPERATION_LABELS) return '(other)';
    this.seenOperations.add(name);
    return name;
  }
}
