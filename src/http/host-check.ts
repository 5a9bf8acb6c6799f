import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody } from './error-body';

/**
 * Kubernetes probes and Prometheus scrapes address the pod by IP, which no ALLOWED_HOSTS list
 * can name in advance, so these paths answer whatever the Host header says.
 */
const HOST_EXEMPT_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/** Refuses requests whose Host header is not in ALLOWED_HOSTS (Django's rule, same 400). */
export function registerHostCheck(fastify: FastifyInstance, allowedHosts: readonly string[]): void {
  if (allowedHosts.includes('*')) return;
  const exact = new Set(allowedHosts.filter((host) => !host.startsWith('.')));
  // ".example.com" matches example.com and every subdomain, as in Django.
  const suffixes = allowedHosts.filter((host) => host.startsWith('.'));
  const isAllowed = (hostname: string): boolean =>
    exact.has(hostname) ||
    suffixes.some((suffix) => hostname === suffix.slice(1) || hostname.endsWith(suffix));

  fastify.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    const path = request.url.split('?', 1)[0];
    if (HOST_EXEMPT_PATHS.has(path)) return done();
    const hostname = hostWithoutPort(request.headers.host ?? '');
    if (isAllowed(hostname)) return done();
    const shown = hostname.length > 100 ? `${hostname.slice(0, 100)}…` : hostname;
    void reply.status(400).send(errorBody(400, `Invalid Host header "${shown}": add it to ALLOWED_HOSTS`));
  });
}

function hostWithoutPort(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  return lower.replace(/:\d+$/, '');
}
