import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signValid, testKeysOf } from '../factories/token.factory';
import { requireBroker, uniqueName, waitFor } from '../support/broker';
import { testKeyPair } from '../support/keys';
import { freePort } from '../support/ports';
import { PrivateVhost } from '../support/private-vhost';
import { findPython } from '../support/python';
import { TEST_SECRET_KEY } from '../support/secret-key';
import { RunningService, spawnService, waitForStatus } from '../support/spawn-service';

jest.setTimeout(150_000);

const DECODER = join(__dirname, '..', 'interop', 'otlp_decode.py');
const COLLECTOR_KEY = 'otlp-wire-check';

/** A span as test/interop/otlp_decode.py prints it (Google's protobuf read the export). */
interface WireSpan {
  readonly service: string;
  readonly trace_id: string;
  readonly span_id: string;
  readonly parent_span_id: string;
  readonly name: string;
  readonly kind: string;
  readonly start_ns: number;
  readonly end_ns: number;
  readonly status: string;
  readonly attributes: Record<string, unknown>;
}

interface Export {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly collectorKey: string | undefined;
  readonly body: Buffer;
}

const PYTHON = requireBroker()
  ? findPython({
      module: 'google.protobuf',
      aptPackages: 'python3-protobuf protobuf-compiler',
      check: 'the OTLP wire check',
      commands: ['protoc'],
    })
  : null;
const describeWire = PYTHON ? describe : describe.skip;

/** Decodes every export with Google's protobuf and the protocol's field numbers. */
function decode(exports: readonly Export[]): WireSpan[] {
  const dir = mkdtempSync(join(tmpdir(), 'm8e-otlp-'));
  const files = exports.map((exported, i) => {
    const file = join(dir, `export-${i}.bin`);
    writeFileSync(file, exported.body);
    return file;
  });
  const run = spawnSync(PYTHON!, [DECODER, ...files], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0)
    throw new Error(`otlp_decode.py exited ${run.status}: ${run.stderr}${run.error ?? ''}`);
  return (JSON.parse(run.stdout) as { spans: WireSpan[] }).spans;
}

/**
 * Tracing as a deployment turns it on, checked from outside: two real service processes
 * (`dist/main.js`'s build) with OTEL_TRACES_EXPORTER=otlp export to a collector on a socket; an
 * item written on the master (`items` is a sync master) reaches the other service, a replica of
 * it (ITEMS_SYNC=replica), over RabbitMQ. Google's protobuf, not the exporter's encoder, reads what
 * arrived: one trace from the HTTP request on one service to the apply on the other.
 */
describeWire('tracing on the wire: OTLP/HTTP protobuf from two processes to a collector', () => {
  const vhost = new PrivateVhost(uniqueName('otlp-wire'));
  const exports: Export[] = [];
  const services: RunningService[] = [];
  let collector: Server;
  let collectorUrl: string;

  beforeAll(async () => {
    collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        exports.push({
          path: request.url ?? '',
          contentType: request.headers['content-type'],
          collectorKey: request.headers['x-collector-key'] as string | undefined,
          body: Buffer.concat(chunks),
        });
        // An empty ExportTraceServiceResponse: everything accepted.
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    collectorUrl = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
    await vhost.create();
  });

  afterAll(async () => {
    for (const service of services) service.child.kill('SIGKILL');
    await new Promise((resolve) => collector?.close(resolve));
    await vhost.delete();
  });

  async function startService(
    name: string,
    env: Record<string, string>,
  ): Promise<{ url: string; service: RunningService }> {
    const port = await freePort();
    const keys = testKeyPair();
    const service = spawnService('main.ts', {
      DEBUG: 'false',
      SECRET_KEY: TEST_SECRET_KEY,
      JWT_VERIFY_KEY: keys.publicKey,
      DATABASE_URL: `sqlite:///${join(mkdtempSync(join(tmpdir(), 'm8e-otlp-')), 'db.sqlite3')}`,
      MIGRATE_ON_START: 'true',
      PORT: String(port),
      AMQP_URL: vhost.url(),
      SERVICE_NAME: name,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_EXPORTER_OTLP_HEADERS: `x-collector-key=${COLLECTOR_KEY}`,
      ...env,
    });
    services.push(service);
    const url = `http://127.0.0.1:${port}`;
    await waitForStatus(`${url}/health/ready`, 200, 60_000).catch((error: unknown) => {
      throw new Error(`${name} did not get ready: ${String(error)}\n${service.output()}`);
    });
    return { url, service };
  }

  it('carries one trace from the HTTP request on one service to the apply on the other', async () => {
    const master = uniqueName('otlp-alpha');
    const replica = uniqueName('otlp-beta');
    const pems = testKeyPair();
    // The replica first: its queue is bound before the master publishes.
    const replicaService = await startService(replica, { JWT_SIGN_KEY: '0', ITEMS_SYNC: 'replica' });
    const masterService = await startService(master, { JWT_SIGN_KEY: pems.privateKey });
    const keys = testKeysOf(pems.privateKey, pems.publicKey);
    const authorization = `Bearer ${signValid(keys, { roles: ['items:write'] })}`;

    const created = await fetch(`${masterService.url}/api/items`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'traced over the wire', quantity: 1 }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await waitFor('the replica to show the item', async () => {
      const copy = await fetch(`${replicaService.url}/api/items/${id}`, { headers: { authorization } });
      return copy.status === 200;
    });
    // SIGTERM flushes what the batch processors still hold.
    for (const service of services) service.child.kill('SIGTERM');
    for (const service of services) expect((await service.exited(30_000)).code).toBe(0);

    expect(exports.length).toBeGreaterThan(0);
    for (const exported of exports)
      expect({ path: exported.path, type: exported.contentType, key: exported.collectorKey }).toEqual({
        path: '/v1/traces',
        type: 'application/x-protobuf',
        key: COLLECTOR_KEY,
      });
    const spans = decode(exports);
    for (const span of spans) {
      expect(span.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(span.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(span.trace_id).not.toMatch(/^0+$/);
      expect(span.end_ns).toBeGreaterThanOrEqual(span.start_ns);
    }

    const server = spans.filter(
      (span) =>
        span.service === master && span.kind === 'SPAN_KIND_SERVER' && span.name === 'POST /api/items',
    );
    expect(server).toHaveLength(1);
    const trace = spans.filter((span) => span.trace_id === server[0].trace_id);
    const one = (predicate: (span: WireSpan) => boolean, what: string): WireSpan => {
      const found = trace.filter(predicate);
      if (found.length !== 1)
        throw new Error(`${found.length} spans for ${what} in ${JSON.stringify(trace)}`);
      return found[0];
    };
    expect(server[0].parent_span_id).toBe('');
    const publish = one(
      (span) => span.service === master && span.kind === 'SPAN_KIND_PRODUCER' && span.name === 'publish item',
      "the master's publish",
    );
    expect(publish.parent_span_id).toBe(server[0].span_id);
    expect(publish.attributes).toMatchObject({ 'messaging.destination.name': 'cqrs' });
    const apply = one(
      (span) =>
        span.service === replica && span.kind === 'SPAN_KIND_CONSUMER' && span.name === 'process item',
      "the replica's apply",
    );
    expect(apply.parent_span_id).toBe(publish.span_id);
    expect(apply.attributes).toMatchObject({
      'cqrs.id': 'item',
      'cqrs.signal_type': 'SAVE',
      'cqrs.instance_pk': id,
    });
    // Each side's database work is in the trace, under its own span.
    expect(
      trace.some(
        (span) =>
          span.service === master &&
          span.kind === 'SPAN_KIND_CLIENT' &&
          span.parent_span_id === server[0].span_id,
      ),
    ).toBe(true);
    expect(
      trace.some(
        (span) =>
          span.service === replica &&
          span.kind === 'SPAN_KIND_CLIENT' &&
          span.parent_span_id === apply.span_id,
      ),
    ).toBe(true);
    expect(new Set(trace.map((span) => span.service))).toEqual(new Set([master, replica]));
    // The master's log line for the request names the same trace and its server span.
    const requestLines = masterService.service
      .output()
      .split('\n')
      .filter((line) => line.includes('"url":"/api/items"') && line.includes('"method":"POST"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(requestLines).toEqual([
      expect.objectContaining({ statusCode: 201, trace_id: server[0].trace_id, span_id: server[0].span_id }),
    ]);
    expect(trace.filter((span) => span.status === 'STATUS_CODE_ERROR')).toEqual([]);
  });
});
