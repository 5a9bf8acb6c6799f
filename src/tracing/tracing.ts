import type { FastifyInstance } from 'fastify';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { TracingSettings } from '../settings/observability.schema';

/** AMQP headers, as amqplib reads and writes them. */
export type MessageHeaders = Record<string, unknown>;

/** A bus delivery as the consumer span sees it. */
export interface ConsumedMessage {
  readonly routingKey: string;
  readonly pattern: string;
  readonly exchange: string;
  readonly messageId?: string;
  readonly correlationId?: string;
  readonly headers?: MessageHeaders;
  /** More span attributes (data sync: `cqrs_id`, signal type). */
  readonly attributes?: Readonly<Record<string, string | number>>;
}

/** Options of a producer span. */
export interface PublishTraceOptions {
  /**
   * A W3C `traceparent` stored when the message was written (the outbox): the span becomes its
   * child instead of the active span's.
   */
  readonly storedParent?: string;
}

/**
 * What the service asks of tracing. The code on the hot paths (HTTP hooks, bus publish and
 * consume, logging) holds only this interface and `activeTracing()`, which is null while tracing
 * is off: then no OpenTelemetry SDK module is loaded at all (start-up time and idle memory are
 * measured goals), and each hot path pays one null check.
 */
export interface Tracing {
  /** HTTP server spans named by route template, parent taken from `traceparent`. */
  instrumentHttp(fastify: FastifyInstance): void;
  /** Runs `publish` in a producer span and writes `traceparent`/`tracestate` into `headers`. */
  tracePublish<T>(
    exchange: string,
    routingKey: string,
    headers: MessageHeaders,
    publish: () => Promise<T>,
    options?: PublishTraceOptions,
  ): Promise<T>;
  /**
   * Runs `send` in a client span `send <routing key>` that ends with the reply (bus RPC), and
   * writes `traceparent`/`tracestate` into `headers`, so the handler's span is its child.
   */
  traceRequest<T>(
    exchange: string,
    routingKey: string,
    headers: MessageHeaders,
    send: () => Promise<T>,
  ): Promise<T>;
  /** The active span as a W3C `traceparent`, to store with work published later; null outside one. */
  activeTraceparent(): string | null;
  /** Runs `handle` in a consumer span, child of the context the message's headers carry. */
  traceConsume<T>(
    message: ConsumedMessage,
    handle: () => Promise<T>,
    failureOf: (result: T) => string | null,
  ): Promise<T>;
  /** `trace_id` and `span_id` of the active span, for log lines; null outside a span. */
  logFields(): { trace_id: string; span_id: string } | null;
  /** Exports what is buffered (an app closing); the provider stays usable. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  /** Replaces the exporter the settings name (tests pass an InMemorySpanExporter). */
  readonly exporter?: SpanExporter;
  /** Export each span as it ends instead of in batches (tests). */
  readonly isSynchronous?: boolean;
}

let active: Tracing | null = null;

/** The running tracing, or null when it is off (the default). */
export function activeTracing(): Tracing | null {
  return active;
}

/**
 * Loads OpenTelemetry and starts tracing for the process; call it before the app is built.
 * Idempotent: the first call's settings win.
 */
export function startTracing(settings: TracingSettings, options: StartTracingOptions = {}): Tracing {
  if (active) return active;
  // Loaded here and only here, so a service with tracing off never loads the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { OtelTracing } = require('./otel-tracing') as typeof import('./otel-tracing');
  active = new OtelTracing(settings, options);
  return active;
}

/** Stops tracing (tests that start it with an in-memory exporter). */
export async function stopTracing(): Promise<void> {
  const tracing = active;
  active = null;
  await tracing?.shutdown();
}
