import {
  context,
  Context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  TextMapGetter,
  trace,
  Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  ParentBasedSampler,
  Sampler,
  SimpleSpanProcessor,
  SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { appendRouteHook, RequestPhaseHook, routeMethods } from '../http/route-hooks';
import type { TracingSettings } from '../settings/observability.schema';
import {
  ConsumedMessage,
  MessageHeaders,
  PublishTraceOptions,
  StartTracingOptions,
  Tracing,
} from './tracing';

/** A request's server span and the context it is active in, from onRequest to its end. */
interface ServerSpan {
  readonly span: Span;
  readonly context: Context;
}

/** The request's entry, from onRequest to onResponse (or to its client hanging up). */
const SERVER_SPAN = 'otelServerSpan';
declare module 'fastify' {
  interface FastifyRequest {
    [SERVER_SPAN]: ServerSpan | null;
  }
}

/** Methods whose requests Fastify never reads a body for: their handler runs inside onRequest's context. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'TRACE']);

/** The requests whose spans are open on a connection (more than one only when pipelined). */
const OPEN_REQUESTS = Symbol('openRequests');
type WatchedSocket = Socket & { [OPEN_REQUESTS]?: Set<FastifyRequest> };

/**
 * OpenTelemetry behind the `Tracing` interface; only `startTracing()` loads this file.
 * Spans are made here rather than by auto-instrumentations: those patch modules as they are
 * first required (pg, http), which misses what was loaded before and does not work under Jest's
 * module loader, and none covers better-sqlite3 or the bus's own consumer.
 */
export class OtelTracing implements Tracing {
  private readonly provider: NodeTracerProvider;
  private readonly tracer: Tracer;
  private readonly restores: (() => void)[] = [];

  constructor(settings: TracingSettings, options: StartTracingOptions) {
    const exporter = options.exporter ?? createExporter(settings);
    this.provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
      sampler: createSampler(settings),
      spanProcessors: [
        options.isSynchronous ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter),
      ],
    });
    // Sets the W3C trace-context propagator and the AsyncLocalStorage context manager too.
    this.provider.register();
    this.tracer = trace.getTracer(settings.serviceName);
    this.restores.push(
      traceQueries(this.tracer, 'typeorm/driver/postgres/PostgresQueryRunner', 'postgresql'),
      traceQueries(this.tracer, 'typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner', 'sqlite'),
    );
  }

  instrumentHttp(fastify: FastifyInstance): void {
    // A slot Fastify declares on every request rather than a WeakMap keyed by it: no ephemeron
    // entry per request for the garbage collector to trace (no CPU difference measurable here).
    if (!fastify.hasRequestDecorator(SERVER_SPAN)) fastify.decorateRequest(SERVER_SPAN, null);
    fastify.addHook('onRequest', (request, _reply, done) => {
      const parent = propagation.extract(ROOT_CONTEXT, request.headers);
      const route = request.routeOptions.url;
      const span = this.tracer.startSpan(
        route ? `${request.method} ${route}` : request.method,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': request.method,
            'url.path': pathOf(request.url),
            ...(route ? { 'http.route': route } : {}),
            'http.request.id': request.id,
          },
        },
        parent,
      );
      const entry: ServerSpan = { span, context: trace.setSpan(parent, span) };
      request[SERVER_SPAN] = entry;
      openOn(request.raw.socket, request);
      context.with(entry.context, done);
    });
    // A handler that reads a body runs from the body's 'end' event, outside the context entered
    // above (nodejs/node#34430; @fastify/request-context does the same): enter it again. Added to
    // those routes only, as they are registered; a GET's handler runs inside onRequest's call.
    const reenter: RequestPhaseHook = (request, _reply, done) => {
      const entry = request[SERVER_SPAN];
      if (entry) context.with(entry.context, done);
      else done();
    };
    fastify.addHook('onRoute', (route: RouteOptions) => {
      if (!routeMethods(route).every((method) => BODYLESS_METHODS.has(method)))
        appendRouteHook(route, 'preValidation', reenter);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      const entry = request[SERVER_SPAN];
      if (entry) {
        request[SERVER_SPAN] = null;
        closeOn(request.raw.socket, request);
        entry.span.setAttribute('http.response.status_code', reply.statusCode);
        if (reply.statusCode >= 500) entry.span.setStatus({ code: SpanStatusCode.ERROR });
        entry.span.end();
      }
      done();
    });
    // No onRequestAbort hook: with one, Fastify adds a 'close' listener to every request. A
    // client that hangs up before its answer closes the connection, whose one listener (openOn)
    // ends the spans still open on it.
  }

  async tracePublish<T>(
    exchange: string,
    routingKey: string,
    headers: MessageHeaders,
    publish: () => Promise<T>,
    options: PublishTraceOptions = {},
  ): Promise<T> {
    const parent =
      options.storedParent === undefined
        ? context.active()
        : propagation.extract(ROOT_CONTEXT, { traceparent: options.storedParent });
    return this.sendSpan(
      `publish ${routingKey}`,
      SpanKind.PRODUCER,
      'publish',
      exchange,
      routingKey,
      parent,
      headers,
      publish,
    );
  }

  traceRequest<T>(
    exchange: string,
    routingKey: string,
    headers: MessageHeaders,
    send: () => Promise<T>,
  ): Promise<T> {
    // Client, not producer: the span lasts until the reply, like an HTTP client call.
    return this.sendSpan(
      `send ${routingKey}`,
      SpanKind.CLIENT,
      'send',
      exchange,
      routingKey,
      context.active(),
      headers,
      send,
    );
  }

  activeTraceparent(): string | null {
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    return carrier.traceparent ?? null;
  }

  private sendSpan<T>(
    name: string,
    kind: SpanKind,
    operation: string,
    exchange: string,
    routingKey: string,
    parent: Context,
    headers: MessageHeaders,
    work: () => Promise<T>,
  ): Promise<T> {
    const span = this.tracer.startSpan(
      name,
      {
        kind,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.name': operation,
          'messaging.operation.type': 'send',
          'messaging.destination.name': exchange,
          'messaging.rabbitmq.destination.routing_key': routingKey,
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    propagation.inject(active, headers);
    return finish(span, context.with(active, work), () => null);
  }

  traceConsume<T>(
    message: ConsumedMessage,
    handle: () => Promise<T>,
    failureOf: (result: T) => string | null,
  ): Promise<T> {
    const parent = propagation.extract(ROOT_CONTEXT, message.headers ?? {}, AMQP_HEADERS);
    const span = this.tracer.startSpan(
      `process ${message.pattern}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.name': 'process',
          'messaging.operation.type': 'process',
          'messaging.destination.name': message.exchange,
          'messaging.rabbitmq.destination.routing_key': message.routingKey,
          ...(message.messageId ? { 'messaging.message.id': message.messageId } : {}),
          ...(message.correlationId ? { 'messaging.message.conversation_id': message.correlationId } : {}),
          ...message.attributes,
        },
      },
      parent,
    );
    return finish(span, context.with(trace.setSpan(parent, span), handle), failureOf);
  }

  logFields(): { trace_id: string; span_id: string } | null {
    const span = trace.getSpan(context.active());
    const spanContext = span?.spanContext();
    if (!spanContext || !isSpanContextValid(spanContext)) return null;
    return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
  }

  /**
   * A collector that is away or stalls loses these spans: it must neither fail the app's shutdown
   * nor hold it past a few seconds (the exporter would otherwise retry until its own timeouts).
   */
  async flush(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_TIMEOUT_MS)));
    await Promise.race([this.provider.forceFlush().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }

  async shutdown(): Promise<void> {
    for (const restore of this.restores.splice(0)) restore();
    await this.provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  }
}

const FLUSH_TIMEOUT_MS = 3000;

/** Records a request's span as open on its connection; its first request adds the listener. */
function openOn(socket: Socket | null, request: FastifyRequest): void {
  if (!socket) return;
  const watched = socket as WatchedSocket;
  let open = watched[OPEN_REQUESTS];
  if (!open) {
    const requests = new Set<FastifyRequest>();
    open = watched[OPEN_REQUESTS] = requests;
    socket.once('close', () => {
      for (const unanswered of requests) {
        const entry = unanswered[SERVER_SPAN];
        if (!entry) continue;
        unanswered[SERVER_SPAN] = null;
        entry.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client aborted the request' });
        entry.span.end();
      }
      requests.clear();
    });
  }
  open.add(request);
}

function closeOn(socket: Socket | null, request: FastifyRequest): void {
  if (socket) (socket as WatchedSocket)[OPEN_REQUESTS]?.delete(request);
}

/** AMQP header values may arrive as Buffers (long strings); the propagator wants strings. */
const AMQP_HEADERS: TextMapGetter<MessageHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
  },
};

async function finish<T>(span: Span, work: Promise<T>, failureOf: (result: T) => string | null): Promise<T> {
  try {
    const result = await work;
    const failure = failureOf(result);
    if (failure !== null) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    return result;
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    span.end();
  }
}

type QueryRunnerClass = { prototype: { query(...args: unknown[]): Promise<unknown> } };

/**
 * A client span per SQL statement run through TypeORM, for both databases. Only inside a traced
 * request or message: the outbox relay's and the jobs' polling would otherwise start a trace of
 * their own every few hundred milliseconds. Statement text only, never parameters.
 */
function traceQueries(tracer: Tracer, modulePath: string, system: string): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- one export per driver file
  const module = require(modulePath) as Record<string, QueryRunnerClass>;
  // The class is the file's one export, named like the file.
  const runner = module[modulePath.slice(modulePath.lastIndexOf('/') + 1)];
  const original = runner.prototype.query;
  runner.prototype.query = function tracedQuery(this: unknown, ...args: unknown[]): Promise<unknown> {
    const parent = context.active();
    if (!trace.getSpan(parent)) return original.apply(this, args);
    const sql = typeof args[0] === 'string' ? args[0] : '';
    const operation = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY';
    const span = tracer.startSpan(
      operation,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': system,
          'db.operation.name': operation,
          'db.query.text': sql.length > 2000 ? `${sql.slice(0, 2000)}…` : sql,
        },
      },
      parent,
    );
    return finish(
      span,
      context.with(trace.setSpan(parent, span), () => original.apply(this, args)),
      () => null,
    );
  };
  return () => {
    runner.prototype.query = original;
  };
}

function createExporter(settings: TracingSettings): SpanExporter {
  if (settings.exporter === 'console') return new ConsoleSpanExporter();
  return new OTLPTraceExporter({ url: settings.endpoint, headers: { ...settings.headers } });
}

/** The URL without its query string (which can carry tokens and personal data). */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function createSampler(settings: TracingSettings): Sampler {
  const root =
    settings.sampleRatio >= 1
      ? new AlwaysOnSampler()
      : settings.sampleRatio <= 0
        ? new AlwaysOffSampler()
        : new TraceIdRatioBasedSampler(settings.sampleRatio);
  return settings.parentBased ? new ParentBasedSampler({ root }) : root;
}
