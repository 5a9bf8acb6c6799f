import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';
import { testDatabases } from '../support/database';
import { runProbe } from '../support/spawn-service';

/** The directory of Swagger UI's files, found as src/http/swagger.ts finds it. */
const fromSwagger = createRequire(require.resolve('@nestjs/swagger/package.json'));
const SWAGGER_UI_DIRECTORY = (fromSwagger('swagger-ui-dist/absolute-path.js') as () => string)();

/** A GET of `path` sent as written, with only `headers` added (Node's HTTP client, not fetch()). */
function sendAsWritten(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(testDatabases())('HTTP surface on $name', (database) => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ DATABASE_URL: database.url() });
  });
  afterAll(() => testApp.close());

  it('serves the index as JSON, and as HTML to browsers', async () => {
    const json = await testApp.request('/');
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ service: 'test-service', links: { docs: '/docs' } });

    const html = await testApp.request('/', { headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('<h1>test-service</h1>');
  });

  it('answers liveness and readiness with the database checked', async () => {
    const live = await testApp.request('/health/live');
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await live.json()).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    const head = await testApp.request('/health/live', { method: 'HEAD' });
    expect(head.status).toBe(200);
    const ready = await testApp.request('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' } },
    });
  });

  it('answers the liveness probe at the server exactly as its Fastify route does, and counts both', async () => {
    // After the service's metric prefix.
    const series =
      '_http_request_duration_seconds_count{method="GET",route="/health/live",status_code="200"} ';
    const countOf = async (): Promise<number> => {
      const line = (await testApp.metrics()).split('\n').find((text) => text.includes(series));
      return Number(line?.split(' ')[1] ?? 0);
    };
    const before = await countOf();
    // A query string is not the fast path's: Fastify routes it to the same answer.
    const [fast, routed] = await Promise.all([
      testApp.request('/health/live'),
      testApp.request('/health/live?via=fastify'),
    ]);
    const headerNames = (response: Response) =>
      [...response.headers.keys()].filter((name) => name !== 'date').sort();
    expect(headerNames(fast)).toEqual(headerNames(routed));
    for (const name of headerNames(fast).filter((header) => header !== 'x-request-id')) {
      expect([name, fast.headers.get(name)]).toEqual([name, routed.headers.get(name)]);
    }
    expect(fast.headers.get('x-request-id')).not.toBe(routed.headers.get('x-request-id'));
    expect(await fast.text()).toBe(await routed.text());
    expect(await countOf()).toBe(before + 2);
  });

  it('serves Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
    const ui = await testApp.request('/docs');
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const document = (await (await testApp.request('/docs-json')).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/items', '/api/items/{id}', '/health/live', '/health/ready']),
    );
  });

  it("serves Swagger UI's files under /docs/ as @fastify/static did: type, ETag and 304, HEAD, ranges", async () => {
    const css = readFileSync(join(SWAGGER_UI_DIRECTORY, 'swagger-ui.css'));
    const full = await testApp.request('/docs/swagger-ui.css');
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(full.headers.get('cache-control')).toBe('public, max-age=0');
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    const etag = full.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(Buffer.from(await full.arrayBuffer()).equals(css)).toBe(true);

    const conditions: Record<string, string>[] = [
      { 'if-none-match': etag },
      { 'if-modified-since': full.headers.get('last-modified') ?? '' },
    ];
    for (const headers of conditions) {
      // Not fetch(), which adds `Cache-Control: no-cache` to a conditional request.
      const cached = await sendAsWritten(testApp.baseUrl, '/docs/swagger-ui.css', headers);
      expect([headers, cached.status]).toEqual([headers, 304]);
      expect(cached.body).toBe('');
    }

    const head = await testApp.request('/docs/swagger-ui.css', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(css.length));
    expect(head.headers.get('etag')).toBe(etag);
    expect(await head.text()).toBe('');

    const part = await testApp.request('/docs/swagger-ui.css', { headers: { range: 'bytes=0-9' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-9/${css.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(css.subarray(0, 10))).toBe(true);

    const script = await testApp.request('/docs/swagger-ui-bundle.js');
    expect(script.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    await script.arrayBuffer();
    // A file of no known type is sent as a download, as @fastify/static sends it.
    const notice = await testApp.request('/docs/NOTICE');
    expect(notice.status).toBe(200);
    expect(notice.headers.get('content-type')).toBe('application/octet-stream');
    expect(await notice.text()).toBe(readFileSync(join(SWAGGER_UI_DIRECTORY, 'NOTICE'), 'utf8'));
  });

  it("leaves Swagger's own routes under /docs/ to Swagger, not to the files' wildcard route", async () => {
    // swagger-ui-dist has no swagger-ui-init.js, and an index.html of its own (the Petstore's).
    const init = await testApp.request('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.headers.get('etag')).toBeNull();
    expect(await init.text()).toContain('"swaggerDoc"');
    const index = await testApp.request('/docs/index.html');
    expect(index.status).toBe(200);
    expect(index.headers.get('etag')).toBeNull();
    expect(await index.text()).toContain('swagger-ui-init.js');
  });

  it("answers a file that is not there with the app's 404, and serves nothing outside Swagger UI's directory", async () => {
    const missing = await testApp.request('/docs/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await missing.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Cannot GET /docs/nope.js',
    });

    // Two levels up from swagger-ui-dist is the project's package.json.
    expect(readFileSync(join(SWAGGER_UI_DIRECTORY, '..', '..', 'package.json'), 'utf8')).toContain(
      '"dependencies"',
    );
    // As written: fetch() would resolve the dot segments (%2e%2e ones too) before sending. Only
    // the directory's own files can be named, so each is the app's 404.
    const attempts = [
      '/docs/../../package.json',
      '/docs/%2e%2e/%2e%2e/package.json',
      '/docs/..%2f..%2fpackage.json',
      '/docs/%2e%2e%2f%2e%2e%2fpackage.json',
      '/docs/..%5c..%5cpackage.json',
      '/docs/swagger-ui.css%00',
      '/docs/./swagger-ui.css',
      '/docs//swagger-ui.css',
      '/docs/.',
      '/docs/..',
    ];
    for (const path of attempts) {
      const answer = await sendAsWritten(testApp.baseUrl, path);
      expect([path, answer.status]).toEqual([path, 404]);
      expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
  });

  it('serves Prometheus metrics on the metrics port only, not on the HTTP port', async () => {
    const response = await fetch(testApp.metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('process_cpu_seconds_total');
    expect(new URL(testApp.metricsUrl).port).not.toBe(new URL(testApp.baseUrl).port);
    expect((await testApp.request('/metrics')).status).toBe(404);
  });

  it('refuses a Host header outside ALLOWED_HOSTS with 400, but not on probes', async () => {
    const { request } = await import('node:http');
    const get = (path: string, host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${testApp.baseUrl}${path}`, { headers: { host } }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const refused = await get('/api/items', 'evil.example');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Invalid Host header "evil.example": add it to ALLOWED_HOSTS',
    });
    expect((await get('/', 'localhost:8000')).status).toBe(200);
    expect((await get('/health/ready', '10.1.2.3:8000')).status).toBe(200);
  });

  it('gives every response a request id, keeping a safe one from the caller', async () => {
    const generated = await testApp.request('/health/live');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await testApp.request('/health/live', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
    const replaced = await testApp.request('/health/live', {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes, bad JSON and oversized bodies with the JSON error shape', async () => {
    const missing = await testApp.request('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });

    const badJson = await testApp.request('/api/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });

    const huge = await testApp.request('/api/items', {
      method: 'POST',
      json: { name: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ statusCode: 413 });
  });

  it('finishes an in-flight request when the app closes, then refuses new connections', async () => {
    let arrived: () => void = () => undefined;
    const hasArrived = new Promise<void>((resolve) => (arrived = resolve));
    const own = await startTestApp({}, (app) => {
      // A slow route only this app has, to watch a request finish during shutdown.
      app
        .getHttpAdapter()
        .getInstance()
        .get('/test-only/slow', async () => {
          arrived();
          await new Promise((resolve) => setTimeout(resolve, 400));
          return { finished: true };
        });
    });
    const inFlight = own.request('/test-only/slow');
    // Close only once the server has the request (a fixed sleep lost the race on a loaded machine).
    await hasArrived;
    const closing = own.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    await closing;
    await expect(fetch(`${own.baseUrl}/health/live`)).rejects.toThrow();
  });
});

describe("Swagger UI's files", () => {
  it('are served by @fastify/send, loaded by the first request for one: neither it nor @fastify/static at start-up', () => {
    const loaded = runProbe('loaded-docs.main.ts', ['@fastify/send', '@fastify/static']);
    expect(loaded).toEqual({
      started: [],
      served: ['@fastify/send'],
    });
  });
});
