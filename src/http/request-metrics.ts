import type { FastifyInstance } from 'fastify';
import type { Histogram } from 'prom-client';
import { MetricsService } from '../platform/metrics.service';

/** The route label of a request no route matched (404s of scanners): one series, not one per URL. */
export const UNMATCHED_ROUTE = 'unmatched';

export const HTTP_METRICS = { requestDuration: 'http_request_duration_seconds' } as const;

/** Probes answer in well under a millisecond; the top buckets catch slow database work. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One histogram observation per finished request, labelled by route TEMPLATE (`/api/items/:id`,
 * never the URL, which would make a series per id), method and status. It reads Fastify's own
 * `elapsedTime`, so it adds no timer of its own to the hot path. `/metrics` and the probes are
 * counted like any route: each is one series of its own and does not blur the others.
 */
export function registerRequestMetrics(fastify: FastifyInstance, metrics: MetricsService): RequestDuration {
  const duration = metrics.histogram({
    name: HTTP_METRICS.requestDuration,
    help: 'Time from receiving an HTTP request to finishing its response, by route template',
    labelNames: ['method', 'route', 'status_code'],
    buckets: BUCKETS,
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status_code: reply.statusCode,
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  return duration;
}

export type RequestDuration = Histogram<'method' | 'route' | 'status_code'>;

/** One series' observe, its labels resolved once (for requests answered outside Fastify). */
export function observerFor(
  duration: RequestDuration,
  method: string,
  route: string,
  statusCode: number,
): (seconds: number) => void {
  const series = duration.labels({ method, route, status_code: statusCode });
  return (seconds) => series.observe(seconds);
}
