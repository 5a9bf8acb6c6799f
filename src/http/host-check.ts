import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody } from './error-body';

/**
 * Kubernetes probes and Prometheus scrapes address the pod by IP, which no ALLOWED_HOSTS list
 * can name in advance, so these paths answer whatever the Host header says.
 */
const HOST_EXEMPT_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);
const MAX_CACHED_HOSTS = 1000;

/** Refuses requests whose Host header is not in ALLOWED_HOSTS (Django's rule, same 400). */
export function registerHostCheck(fastify: FastifyInstance, allowedHosts: readonly string[]): void {
  if (allowedHosts.includes('*')) return;
  const exact = new Set(allowedHosts.filter((host) => !host.startsWith('.')));
  // ".example.com" matches example.com and every subdomain, as in Django.
  const suffixes = allowedHosts.filter((host) => host.startsWith('.'));
  const isAllowed = (hostname: string): boolean =>
    exact.has(hostname) ||
    suffixes.some((suffix) => hostname === suffix.slice(1) || hostname.endsWith(suffix));

  // Clients send a handful of distinct Host values, so the verdict per raw header is cached
  // (bounded, since the header is the client's to choose).
  const verdicts = new Map<string, boolean>();
  const isAllowedHeader = (header: string): boolean => {
    let verdict = verdicts.get(header);
    if (verdict === undefined) {
      verdict = isAllowed(hostWithoutPort(header));
      if (verdicts.size >= MAX_CACHED_HOSTS) verdicts.clear();
      verdicts.set(header, verdict);
    }
    return verdict;
  };

  fastify.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    const header = request.headers.host ?? '';
    if (isAllowedHeader(header) || HOST_EXEMPT_PATHS.has(request.url.split('?', 1)[0])) return done();
    const hostname = hostWithoutPort(header);
    const shown = hostname.length > 100 ? `${hostname.slice(0, 100)}…` : hostname;
    void reply.status(400).send(errorBody(400, `Invalid Host header "${shown}": add it to ALLOWED_HOSTS`));
  });
}

function hostWithoutPort(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  return lower.replace(/:\d+$/, '');
}
