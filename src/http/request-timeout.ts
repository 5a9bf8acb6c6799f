import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-body';

interface InFlight {
  /** Null once the request is answered (or timed out): the entry then only waits to be dropped. */
  reply: FastifyReply | null;
  readonly deadline: number;
}

/** The request's entry, in a slot Fastify declares on every request (no shape change per request). */
const ENTRY = 'requestTimeoutEntry';
declare module 'fastify' {
  interface FastifyRequest {
    [ENTRY]: InFlight | null;
  }
}

/** Answered entries that may wait behind a slow one before the queue is filtered. */
const ANSWERED_SLACK = 1024;

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
 * timeout, so a queue in arrival order has the oldest first and a sweep stops at the first
 * request that is not yet due (deadlines on the monotonic clock, so a clock step cannot reorder
 * them). A request costs an entry pushed onto an array and a flag cleared when it is answered:
 * no timer, no close listener, no map keyed by the request (which cost ~1 µs per request in
 * profiles; this runs on every request, the probes included). Answered entries leave the queue
 * at the next sweep, or by a filter when a slow request holds many behind it.
 */
export function registerRequestTimeout(fastify: FastifyInstance, timeoutMs: number): void {
  let queue: InFlight[] = [];
  let head = 0;
  let unanswered = 0;
  const sweep = (): void => {
    const now = performance.now();
    while (head < queue.length) {
      const entry = queue[head];
      if (entry.reply !== null) {
        if (entry.deadline > now) break;
        const reply = entry.reply;
        entry.reply = null;
        unanswered--;
        answerTimedOut(reply.request, reply, timeoutMs);
      }
      head++;
    }
    if (head > queue.length / 2) {
      queue = queue.slice(head);
      head = 0;
    } else if (queue.length - head > 4 * unanswered + ANSWERED_SLACK) {
      queue = queue.slice(head).filter((entry) => entry.reply !== null);
      head = 0;
    }
  };
  let timer: NodeJS.Timeout | null = null;
  fastify.decorateRequest(ENTRY, null);
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
    const entry: InFlight = { reply, deadline: performance.now() + timeoutMs };
    queue.push(entry);
    unanswered++;
    request[ENTRY] = entry;
    done();
  });
  fastify.addHook('onResponse', (request, _reply, done) => {
    const entry = request[ENTRY];
    if (entry !== null && entry.reply !== null) {
      entry.reply = null;
      unanswered--;
    }
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
