import { Received } from '../support/bus-testbed';
import { BrokerJanitor, requireBroker, TEST_AMQP_URL, uniqueName, waitFor } from '../support/broker';
import { LogCapture, ObservabilityProbeModule, PING_PATTERN } from '../support/observability-probe';
import { runProbe } from '../support/spawn-service';
import { testKeyPair } from '../support/keys';
import {
  createItemCopiesTable,
  HookLog,
  itemMessage,
  itemReplicaModule,
  publishCqrs,
  trackSyncQueues,
} from '../support/sync-testbed';
import { promtoolCheckMetrics, requirePromtool } from '../support/promtool';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Metrics and correlation with tracing off (the default), on the real app and the real broker:
 * requests to two routes and a publish that a handler consumes, then /metrics and the logs.
 */
const describeBroker = requireBroker() ? describe : describe.skip;

describeBroker('observability with tracing off', () => {
  const janitor = new BrokerJanitor();
  const logs = new LogCapture();
  let testApp: TestApp;
  let prefix: string;

  beforeAll(async () => {
    const service = janitor.serviceQueue(uniqueName('observability'));
    testApp = await startTestApp(
      {
        SERVICE_NAME: service,
        AMQP_URL: TEST_AMQP_URL,
        AMQP_EXCHANGE: janitor.exchange(uniqueName('obs-x')),
      },
      (app) => logs.attach(app),
      [ObservabilityProbeModule.forRoot()],
    );
    prefix = testApp.settings.observability.metricsPrefix;
  });

  afterAll(async () => {
    await testApp?.close();
    await janitor.cleanup();
  });

  it('carries the request id into the message and logs it where the message is handled', async () => {
    const response = await testApp.request('/obs-test/pings', {
      method: 'POST',
      headers: { 'x-request-id': 'obs-req-42' },
      json: { name: 'one' },
    });
    expect(response.status).toBe(202);
    const received = testApp.app.get(Received);
    await waitFor('the ping handler', () => received.messages.length === 1);
    const { message } = received.messages[0];
    expect(message.properties.correlationId).toBe('obs-req-42');
    // Tracing off: nothing of the trace context on the wire.
    expect(Object.keys(message.properties.headers ?? {})).not.toContain('traceparent');
    const handled = logs.linesWith('ping received');
    expect(handled).toEqual([
      expect.objectContaining({ context: 'PingHandler', correlation_id: 'obs-req-42' }),
    ]);
    expect(handled[0]).not.toHaveProperty('trace_id');
  });

  it('shows request durations by route template and status, bus durations, all under one prefix', async () => {
    for (const id of ['a1', 'b2']) expect((await testApp.request(`/obs-test/things/${id}`)).status).toBe(200);
    expect((await testApp.request('/obs-test/nowhere/at-all')).status).toBe(404);
    const metrics = await testApp.metrics();

    const http = `${prefix}http_request_duration_seconds`;
    expect(metrics).toContain(`# TYPE ${http} histogram`);
    expect(metrics).toContain(`${http}_count{method="GET",route="/obs-test/things/:id",status_code="200"} 2`);
    expect(metrics).toContain(`${http}_count{method="POST",route="/obs-test/pings",status_code="202"} 1`);
    expect(metrics).toContain(`${http}_count{method="GET",route="unmatched",status_code="404"} 1`);
    expect(metrics).not.toContain('a1');
    expect(metrics).not.toContain('/obs-test/nowhere');

    expect(metrics).toMatch(
      new RegExp(`^${prefix}bus_publish_duration_seconds_count\\{outcome="confirmed"\\} [1-9]`, 'm'),
    );
    expect(metrics).toContain(
      `${prefix}bus_handle_duration_seconds_count{pattern="${PING_PATTERN}",outcome="done"} 1`,
    );

    // Every sample, process metrics included, carries the prefix.
    const names = metrics
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => /^[^{ ]+/.exec(line)?.[0] ?? line);
    expect(names).toContain(`${prefix}process_cpu_seconds_total`);
    expect(names).toContain(`${prefix}nodejs_heap_size_total_bytes`);
    expect(names.filter((name) => !name.startsWith(prefix))).toEqual([]);
  });

  it("passes Prometheus's own lint (promtool check metrics): names, suffixes, units, help", async () => {
    const promtool = requirePromtool();
    if (!promtool) return;
    expect((await testApp.request('/obs-test/things/c3')).status).toBe(200);
    const page = await testApp.metrics();
    // The page holds the families the lint is about: HTTP, bus, process (an empty page passes).
    for (const family of [
      'http_request_duration_seconds',
      'bus_publish_duration_seconds',
      'process_cpu_seconds_total',
    ])
      expect(page).toContain(`# TYPE ${prefix}${family} `);

    expect(promtoolCheckMetrics(promtool, page)).toEqual({ status: 0, output: '' });
  });
});

describeBroker('a data-sync replica', () => {
  const janitor = new BrokerJanitor();
  const queue = uniqueName('obs-replica');
  const hooks = new HookLog();
  const logs = new LogCapture();
  let replica: TestApp;

  beforeAll(async () => {
    trackSyncQueues(janitor, queue, ['item']);
    replica = await startTestApp(
      {
        AMQP_URL: TEST_AMQP_URL,
        SERVICE_NAME: queue,
        JWT_SIGN_KEY: '0',
        JWT_VERIFY_KEY: testKeyPair().publicKey,
        SYNC_MAX_RETRIES: '0',
      },
      (app) => logs.attach(app),
      [itemReplicaModule(hooks)],
    );
    await createItemCopiesTable(replica);
  });

  afterAll(async () => {
    await replica?.close();
    await janitor.cleanup();
  });

  it("logs the master's correlation_id while it handles the event", async () => {
    hooks.failingTitles.add('poison');
    const body = JSON.parse(itemMessage('SAVE', 'obs-1', 1, { name: 'poison' }).toString()) as Record<
      string,
      unknown
    >;
    await publishCqrs(
      `cqrs.${queue}.item`,
      Buffer.from(JSON.stringify({ ...body, correlation_id: 'req-sync-9' })),
    );
    await waitFor('the dead-letter warning', () =>
      logs.lines().some((line) => line.context === 'SyncConsumer' && line.level === 'warn'),
    );
    const warning = logs.lines().find((line) => line.context === 'SyncConsumer' && line.level === 'warn');
    expect(warning).toMatchObject({ correlation_id: 'req-sync-9' });
    expect(String(warning?.msg)).toContain('obs-1');
  });
});

describe('tracing off', () => {
  it('loads no OpenTelemetry SDK module (the probe sees them when tracing is on)', () => {
    const loaded = (env: Record<string, string>) => runProbe<string[]>('loaded-otel.main.ts', [], env);
    expect(loaded({})).toEqual([]);
    expect(
      loaded({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }),
    ).toEqual(
      expect.arrayContaining(['@opentelemetry/sdk-trace-node', '@opentelemetry/exporter-trace-otlp-proto']),
    );
  });
});

describe('correlation scopes and promise hooks', () => {
  it('turns the hooks on for a write, off once no scope has been open for the idle window, and on again for the next writes, each handler seeing its own request id', () => {
    const seen = runProbe<Record<string, unknown>>('correlation-hooks.main.ts');
    const on = { hooks: true, isOn: true };
    const off = { hooks: false, isOn: false };
    expect(seen).toEqual({
      atStart: off,
      firstSeen: 'first-write',
      afterWrite: on,
      withinWindow: on,
      afterIdle: off,
      // A read enters no scope.
      afterRead: off,
      secondSeen: 'second-write',
      thirdSeen: 'third-write',
      afterNextWrites: on,
    });
  });
});
