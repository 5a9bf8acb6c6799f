import fastifyHelmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

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
 * helmet's headers on every response: nosniff, frame protection (DENY and frame-ancestors
 * 'none'), the CSP above, no referrer. `upgrade-insecure-requests` is left out: the service is
 * reached over plain HTTP inside the cluster and in development, where it would break /docs.
 */
export async function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
  });
}
