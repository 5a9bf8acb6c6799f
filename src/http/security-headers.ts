import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';

/**
 * What Swagger UI at /docs needs and nothing more: its scripts and styles are files served from
 * here; it has inline <style> blocks (not scripts), data: images in its CSS, and fetches
 * /docs-json. JSON answers are unaffected by a CSP; it protects the HTML pages (/docs, /).
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
};

/**
 * nosniff, frame protection (DENY and frame-ancestors 'none'), the CSP above, no referrer, and
 * helmet's other defaults. `upgrade-insecure-requests` is left out: the service is reached over
 * plain HTTP inside the cluster and in development, where it would break /docs.
 */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  frameguard: { action: 'deny' },
};

/**
 * The headers helmet sets for HELMET_OPTIONS, worked out once by running helmet's own middleware
 * against a recording response. They depend on nothing in the request (no nonces), so every
 * response can carry the same set. @fastify/helmet rebuilt helmet's middleware on every request
 * (parsing the CSP each time) in two hooks; this is one header copy.
 */
export function computeSecurityHeaders(
  options: Readonly<HelmetOptions> = HELMET_OPTIONS,
): Record<string, string> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) =>
      headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  // helmet ≥ 8.1 throws a bad option here instead of passing it to the callback.
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return Object.fromEntries(headers);
}

/**
 * What a response that is not a web page needs (OWASP's REST security headers): JSON, scripts,
 * styles and images are not rendered as documents, so the document policies (COOP, CORP,
 * Origin-Agent-Cluster, the page's CSP, referrer, download and DNS-prefetch rules) do nothing on
 * them. Kept: no MIME sniffing, no framing, a CSP that allows nothing (a JSON body opened as a
 * page runs nothing and embeds nothing), and HSTS as helmet sends it. Each header is work on
 * every response (Fastify's and node:http's checks) and bytes the client parses: 4 instead of 12.
 */
export function computeNonDocumentHeaders(
  documentHeaders: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'strict-transport-security': documentHeaders['strict-transport-security'],
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  };
}

/**
 * Every response (errors and 404s included) carries security headers, chosen by its type when
 * it is sent: HTML pages (`/`, `/docs`, the admin console) helmet's whole set, every other
 * response the non-document set above (returned, for answers written outside Fastify).
 */
export function registerSecurityHeaders(fastify: FastifyInstance): Readonly<Record<string, string>> {
  const documentHeaders = computeSecurityHeaders();
  const otherHeaders = computeNonDocumentHeaders(documentHeaders);
  fastify.addHook('onSend', (_request, reply, _payload, done) => {
    const type = reply.getHeader('content-type');
    void reply.headers(
      typeof type === 'string' && type.startsWith('text/html') ? documentHeaders : otherHeaders,
    );
    done();
  });
  return otherHeaders;
}
