import { startTestApp, TestApp } from '../support/test-app';
import { testDatabases } from '../support/database';

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
