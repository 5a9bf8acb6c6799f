import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { DataSource } from 'typeorm';
import { startTracing, stopTracing } from '../../src/tracing/tracing';
import { Received } from '../support/bus-testbed';
import { BrokerJanitor, requireBroker, TEST_AMQP_URL, uniqueName, waitFor } from '../support/broker';
import { testDatabases } from '../support/database';
import { LogCapture, ObservabilityProbeModule, PING_PATTERN } from '../support/observability-probe';
import { startTestApp, testSettings, TestApp } from '../support/test-app';

/**
 * Tracing on (OTEL_TRACES_EXPORTER=otlp), spans caught by an in-memory exporter instead of the
 * OTLP one: the real app, the real broker, SQLite.
 */
const describeBroker = requireBroker() ? describe : describe.skip;

const exporter = new InMemorySpanExporter();
const janitor = new BrokerJanitor();
const env = (databaseUrl: string) => ({
  DATABASE_URL: databaseUrl,
  SERVICE_NAME: janitor.serviceQueue(uniqueName('tracing')),
  AMQP_URL: TEST_AMQP_URL,
  AMQP_EXCHANGE: janitor.exchange(uniqueName('tracing-x')),
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_SERVICE_NAME: 'orders',
});

beforeAll(() => {
  const tracing = testSettings(env('sqlite:///:memory:')).observability.tracing;
  if (!tracing) throw new Error('OTEL_TRACES_EXPORTER=otlp did not turn tracing on');
  startTracing(tracing, { exporter, isSynchronous: true });
});

afterAll(async () => {
  await stopTracing();
  await janitor.cleanup();
});

describeBroker.each(testDatabases())('tracing on, on $name', (database) => {
  const logs = new LogCapture();
  const system = database.name === 'postgres' ? 'postgresql' : 'sqlite';
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp(env(database.url()), (app) => logs.attach(app), [
      ObservabilityProbeModule.forRoot(),
    ]);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  beforeEach(() => exporter.reset());

  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  const only = (kind: SpanKind, name: string): ReadableSpan => {
    const found = spans().filter((span) => span.kind === kind && span.name === name);
    expect(found.map((span) => span.name)).toEqual([name]);
    return found[0];
  };
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('makes one HTTP request that publishes one trace: server, database, publish, consume', async () => {
    const response = await testApp.request('/obs-test/pings', {
      method: 'POST',
      headers: { 'x-request-id': 'trace-req-7' },
      json: { name: 'traced' },
    });
    expect(response.status).toBe(202);
    await waitFor('the consumer span', () => spans().some((span) => span.kind === SpanKind.CONSUMER));

    const server = only(SpanKind.SERVER, 'POST /obs-test/pings');
    const query = only(SpanKind.CLIENT, 'SELECT');
    const publish = only(SpanKind.PRODUCER, `publish ${PING_PATTERN}`);
    const consume = only(SpanKind.CONSUMER, `process ${PING_PATTERN}`);
    const traceId = server.spanContext().traceId;
    for (const span of [query, publish, consume]) expect(span.spanContext().traceId).toBe(traceId);
    expect(parentOf(server)).toBeUndefined();
    expect(parentOf(query)).toBe(server.spanContext().spanId);
    expect(parentOf(publish)).toBe(server.spanContext().spanId);
    expect(parentOf(consume)).toBe(publish.spanContext().spanId);

    expect(server.attributes).toMatchObject({
      'http.route': '/obs-test/pings',
      'http.response.status_code': 202,
      'http.request.id': 'trace-req-7',
    });
    expect(query.attributes).toMatchObject({
      'db.system.name': system,
      'db.query.text': 'SELECT 1 AS one',
    });
    expect(consume.attributes).toMatchObject({
      'messaging.rabbitmq.destination.routing_key': PING_PATTERN,
      'messaging.message.conversation_id': 'trace-req-7',
    });
    expect(server.resource.attributes['service.name']).toBe('orders');

    // The wire carries W3C trace context; the handler's log line names its span.
    const { message } = testApp.app.get(Received).messages.at(-1)!;
    expect(String(message.properties.headers?.traceparent)).toBe(
      `00-${traceId}-${publish.spanContext().spanId}-01`,
    );
    expect(logs.linesWith('ping received').at(-1)).toMatchObject({
      correlation_id: 'trace-req-7',
      trace_id: traceId,
      span_id: consume.spanContext().spanId,
    });
  });

  it("continues the caller's trace from its traceparent, named by route template", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await testApp.request('/obs-test/things/42', {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(response.status).toBe(200);
    const server = only(SpanKind.SERVER, 'GET /obs-test/things/:id');
    expect(server.spanContext().traceId).toBe(traceId);
    expect(parentOf(server)).toBe('00f067aa0ba902b7');
    expect(server.attributes).toMatchObject({
      'url.path': '/obs-test/things/42',
      'http.route': '/obs-test/things/:id',
    });
  });

  it('starts no trace for database work outside a request or message', async () => {
    await testApp.app.get(DataSource).query('SELECT 2 AS two');
    expect(spans()).toEqual([]);
  });
});
