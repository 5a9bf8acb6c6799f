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

/** Every response (errors and 404s included) carries the security headers. */
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  const headers = computeSecurityHeaders();
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}
