import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import helmet from 'helmet';
import {
  computeNonDocumentHeaders,
  computeSecurityHeaders,
  HELMET_OPTIONS,
  registerSecurityHeaders,
} from './security-headers';

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

  describe('by response type', () => {
    const app = Fastify();
    registerSecurityHeaders(app);
    app.get('/page', (_request, reply) => reply.type('text/html; charset=utf-8').send('<p>hi</p>'));
    app.get('/json', () => ({ ok: true }));
    app.get('/text', () => 'plain');
    app.get('/fails', () => {
      throw new Error('boom');
    });
    afterAll(() => app.close());

    const headersOf = async (url: string) => (await app.inject({ method: 'GET', url })).headers;
    const document = computeSecurityHeaders();
    const other = computeNonDocumentHeaders(document);

    it("gives an HTML page helmet's whole set", async () => {
      expect(await headersOf('/page')).toMatchObject(document);
    });

    it.each(['/json', '/text', '/fails', '/missing'])(
      'gives %s (not a page) the non-document set only',
      async (url) => {
        const headers = await headersOf(url);
        expect(headers).toMatchObject(other);
        for (const name of Object.keys(document)) if (!(name in other)) expect(headers[name]).toBeUndefined();
      },
    );

    it('keeps nosniff, DENY framing and HSTS on every response, with a CSP that allows nothing', () => {
      expect(other).toEqual({
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        'strict-transport-security': document['strict-transport-security'],
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
      });
    });
  });
});
