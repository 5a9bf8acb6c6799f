import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import helmet from 'helmet';
import { computeSecurityHeaders, HELMET_OPTIONS } from './security-headers';

/** Headers node:http adds on its own, not helmet's. */
const TRANSPORT_HEADERS = new Set([
  'date',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
]);

describe('security headers', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // helmet's own middleware on a real response, the way an Express app runs it.
    const middleware = helmet(HELMET_OPTIONS);
    server = createServer((request, response) => middleware(request, response, () => response.end('ok')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('are exactly the headers helmet sets on a real response', async () => {
    const response = await fetch(url);
    const fromHelmet = Object.fromEntries(
      [...response.headers.entries()].filter(([name]) => !TRANSPORT_HEADERS.has(name)),
    );
    expect(computeSecurityHeaders()).toEqual(fromHelmet);
  });

  it('keep the choices this service made: DENY framing, its CSP, no upgrade-insecure-requests', () => {
    const headers = computeSecurityHeaders();
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  it('refuses a bad option at start-up, as helmet does', () => {
    expect(() =>
      computeSecurityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ['self'] } } }),
    ).toThrow(/self/);
  });
});
