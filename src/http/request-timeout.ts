import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-body';

interface InFlight {
  readonly reply: FastifyReply;
  readonly deadline: number;
}

/** How often overdue requests are looked for: a 30 s timeout is kept to within ~1 s. */
function sweepIntervalMs(timeoutMs: number): number {
  return Math.min(1000, Math.max(5, Math.round(timeoutMs / 20)));
}

/**
 * REQUEST_TIMEOUT: a request still unanswered after `timeoutMs` gets 503 and its connection is
 * closed, so a client never waits on a dependency that hangs (a database that does not answer,
 * a lock). The handler may still finish later; its answer is then dropped (Fastify logs that the
 * reply was already sent).
 *
 * One timer for the whole server instead of one per request: every request has the same
 * timeout, so the in-flight map (in arrival order) has the oldest first and a sweep stops at the
 * first request that is not yet due (deadlines on the monotonic clock, so a clock step cannot
 * reorder them). A request then costs a map entry, not a timer, a close
 * listener and their removal (this runs on every request, the probes included).
 */
export function registerRequestTimeout(fastify: FastifyInstance, timeoutMs: number): void {
  const inFlight = new Map<FastifyRequest, InFlight>();
  const sweep = (): void => {
    const now = performance.now();
    for (const [request, { reply, deadline }] of inFlight) {
      if (deadline > now) return;
      inFlight.delete(request);
      answerTimedOut(request, reply, timeoutMs);
    }
  };
  let timer: NodeJS.Timeout | null = null;
  fastify.addHook('onReady', (done) => {
    timer = setInterval(sweep, sweepIntervalMs(timeoutMs));
    timer.unref();
    done();
  });
  fastify.addHook('onClose', (_instance, done) => {
    if (timer) clearInterval(timer);
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    inFlight.set(request, { reply, deadline: performance.now() + timeoutMs });
    done();
  });
  fastify.addHook('onResponse', (request, _reply, done) => {
    inFlight.delete(request);
    done();
  });
  // No onRequestAbort hook: with one registered, Fastify adds a 'close' listener to every
  // request. The entry of a client that hung up goes at its deadline instead; the sweep sees
  // its destroyed socket and answers nothing.
}

function answerTimedOut(request: FastifyRequest, reply: FastifyReply, timeoutMs: number): void {
  if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) return;
  request.log.warn({ url: request.url, timeoutMs }, 'request timed out: answered 503');
  void reply
    .code(503)
    .header('connection', 'close')
    .send(errorBody(503, `no answer within ${timeoutMs} ms; try again`));
}
