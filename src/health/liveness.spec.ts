import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { enableLivenessFastPath, LIVENESS_BODY, livenessServerFactory } from './liveness';

/** Real HTTP over a socket: which of the two answered is told by the body. */
describe('the liveness fast path', () => {
  let server: Server;
  let base: string;
  let standAside = false;
  const observed: number[] = [];
  const viaFastify = (_request: IncomingMessage, response: ServerResponse): void => {
    response.end('fastify');
  };

  beforeEach(async () => {
    standAside = false;
    observed.length = 0;
    server = livenessServerFactory(viaFastify, { keepAliveTimeout: 5000, connectionTimeout: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  const enable = (): void =>
    enableLivenessFastPath(server, {
      headers: { 'x-content-type-options': 'nosniff' },
      requestId: (request) => String(request.headers['x-request-id'] ?? 'generated'),
      observe: (seconds) => observed.push(seconds),
      standAside: () => standAside,
    });

  it('leaves every request to Fastify until it is enabled, with the timeouts Fastify would set', async () => {
    expect(server.keepAliveTimeout).toBe(5000);
    expect(await (await fetch(`${base}/health/live`)).text()).toBe('fastify');
  });

  it('answers GET /health/live itself with the headers it was given and records it', async () => {
    enable();
    const response = await fetch(`${base}/health/live`, { headers: { 'x-request-id': 'abc' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(LIVENESS_BODY);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(String(LIVENESS_BODY.length));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-request-id')).toBe('abc');
    expect(observed).toHaveLength(1);
    expect(observed[0]).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ['HEAD', '/health/live'],
    ['POST', '/health/live'],
    ['GET', '/health/live?x=1'],
    ['GET', '/health/live/'],
    ['GET', '/health/ready'],
  ])('leaves %s %s to Fastify', async (method, path) => {
    enable();
    const response = await fetch(`${base}${path}`, { method });
    if (method !== 'HEAD') expect(await response.text()).toBe('fastify');
    expect(observed).toHaveLength(0);
  });

  it('stands aside while asked to (draining, debug logging, tracing)', async () => {
    enable();
    standAside = true;
    expect(await (await fetch(`${base}/health/live`)).text()).toBe('fastify');
    standAside = false;
    expect(await (await fetch(`${base}/health/live`)).text()).toBe(LIVENESS_BODY);
  });
});
