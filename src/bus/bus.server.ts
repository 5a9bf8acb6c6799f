import { CustomTransportStrategy, MessageHandler, Server, WritePacket } from '@nestjs/microservices';
import { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { performance } from 'node:perf_hooks';
import { isObservable, lastValueFrom, Observable, defaultIfEmpty } from 'rxjs';
import { AmqpContext } from './amqp.context';
import { DeadLetterReason, HEADERS } from './bus.constants';
import { describeError, HandlerTimeoutError, InvalidHandlerPatternError } from './bus.errors';
import { BusMetrics, UNMATCHED_PATTERN } from './bus.metrics';
import { correlation } from '../platform/correlation';
import { activeTracing } from '../tracing/tracing';
import { RetryDecision, RetryPolicy } from './retry-policy';
import { deliveredProvenance, Provenance, RetrySeal } from './retry-seal';
import { findMatchingPattern } from './topic-pattern';

/** How a delivery ended; the transport turns it into ack, delay queue or dead-letter queue. */
export type DispatchOutcome =
  | { readonly kind: 'done'; readonly pattern: string }
  | {
      readonly kind: 'retry';
      readonly pattern: string;
      readonly decision: RetryDecision & { action: 'retry' };
      readonly error: string;
    }
  | {
      readonly kind: 'dead-letter';
      readonly reason: DeadLetterReason;
      readonly error: string;
      /** The handler pattern, when one matched. */
      readonly pattern?: string;
    };

/** Properties of a message published as raw bytes (no JSON encoding, no added properties). */
export type RawPublishProperties = Pick<
  Options.Publish,
  'contentType' | 'persistent' | 'expiration' | 'headers'
>;

/** A copy an exchange handler wants published (with a confirm) before its delivery is acked. */
export interface RawCopy {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  readonly properties: RawPublishProperties;
  /**
   * Publish into this delay queue instead (RabbitMQ: a queue whose TTL dead-letters into
   * `exchange` with `routingKey`); in-process the broker holds it `ms` then publishes it.
   */
  readonly delay?: { readonly queue: string; readonly ms: number };
  /** Straight into this queue through the default exchange (a parked message with no binding). */
  readonly toQueue?: string;
}

/** What an exchange handler decided: ack, or publish copies (confirmed) and then ack. */
export type ExchangeOutcome =
  { readonly kind: 'ack' } | { readonly kind: 'forward'; readonly copies: readonly RawCopy[] };

/** Takes every delivery of one exchange (data sync's `cqrs`) instead of the pattern handlers. */
export type ExchangeHandler = (message: ConsumeMessage) => Promise<ExchangeOutcome>;

/** A queue declared with the service's topology (e.g. a delay queue with TTL arguments). */
export interface ExtraQueue {
  readonly name: string;
  readonly arguments?: Record<string, unknown>;
  /** Bindings of this queue (its exchange is declared topic, durable, without arguments). */
  readonly bindings?: readonly { readonly exchange: string; readonly routingKey: string }[];
}

export interface BusServerOptions {
  readonly exchange: string;
  readonly queue: string;
  readonly prefetch: number;
  readonly retryDelaysMs: readonly number[];
  /** Bindings beyond the handlers' patterns, e.g. another exchange's literal keys (data sync). */
  readonly extraBindings?: readonly { readonly exchange: string; readonly routingKey: string }[];
  /** How long close() waits for running handlers. */
  readonly drainTimeoutMs?: number;
  /**
   * BUS_HANDLER_TIMEOUT: a handler still running after this is a failure (retried, then parked),
   * so a handler that never completes cannot hold a prefetch slot for ever. Unset: no limit.
   */
  readonly handlerTimeoutMs?: number;
  /** BUS_MAX_DELIVERIES: deliveries without a settle before a message is parked (see DeliveryCounter). */
  readonly maxDeliveries?: number;
  /** SECRET_KEY: keys the seal on retry headers, shared by every replica (see RetrySeal). */
  readonly secretKey: string;
}

/** A reply a request handler produced, as it crosses the wire (a string code, not a class). */
export interface ReplyPacket {
  readonly response?: unknown;
  readonly err?: { readonly code: string; readonly message: string };
  readonly isDisposed?: boolean;
}

/**
 * What both transports share: find the handler for a routing key, run it, and decide between
 * ack, retry and dead-letter. Departures from Nest's RMQ server: manual acks with a prefetch
 * (Nest: noAck, prefetch 0) and unparsable bodies or unknown patterns are parked instead of
 * logged and dropped.
 */
export abstract class BusServer extends Server implements CustomTransportStrategy {
  // Event handler failures must reach us to be retried, not be swallowed and logged by Nest.
  override readonly propagatesEventHandlerErrors = true;
  protected readonly retryPolicy: RetryPolicy;
  protected readonly retrySeal: RetrySeal;
  private readonly running = new Set<Promise<unknown>>();
  private readonly extraBindings: { exchange: string; routingKey: string }[];
  private readonly exchangeHandlers = new Map<string, ExchangeHandler>();
  protected readonly extraQueues: ExtraQueue[] = [];
  private prefetchFloor = 0;

  constructor(
    protected readonly options: BusServerOptions,
    protected readonly metrics: BusMetrics,
  ) {
    super();
    this.retryPolicy = new RetryPolicy(options.queue, options.retryDelaysMs);
    this.retrySeal = new RetrySeal(options.secretKey);
    this.extraBindings = [...(options.extraBindings ?? [])];
  }

  /** Binds the queue to one more routing key (any exchange); applied on every (re)connect. */
  addBinding(exchange: string, routingKey: string): void {
    this.extraBindings.push({ exchange, routingKey });
  }

  /**
   * Hands every delivery that came through `exchange` (or was parked from it and replayed) to
   * `handler`, which settles it; @EventPattern handlers never see them, so a `cqrs_id` such as
   * `user` cannot collide with an event name. Register before the server starts.
   */
  addExchangeHandler(exchange: string, handler: ExchangeHandler): void {
    this.exchangeHandlers.set(exchange, handler);
  }

  /** Lets at least `count` deliveries be unacked at once (a consumer that batches needs them). */
  raisePrefetch(count: number): void {
    this.prefetchFloor = Math.max(this.prefetchFloor, count);
  }

  /** The prefetch the consumer runs with. */
  protected get effectivePrefetch(): number {
    return Math.max(this.options.prefetch, this.prefetchFloor);
  }

  /** Declares one more queue with the topology, on every (re)connect. Register before start. */
  addQueue(queue: ExtraQueue): void {
    const known = this.extraQueues.findIndex((extra) => extra.name === queue.name);
    if (known < 0) this.extraQueues.push(queue);
    else {
      const merged = [...(this.extraQueues[known].bindings ?? []), ...(queue.bindings ?? [])];
      this.extraQueues[known] = { ...this.extraQueues[known], bindings: merged };
    }
  }

  /** The exchange handler that owns this delivery, if any. */
  protected exchangeHandlerFor(message: ConsumeMessage): ExchangeHandler | undefined {
    if (this.exchangeHandlers.size === 0) return undefined;
    return this.exchangeHandlers.get(this.provenanceOf(message).exchange);
  }

  /**
   * The key and exchange a delivery was first published with and its retries so far: from our
   * sealed headers on a message back from our own delay queue or DLQ replay, else from the
   * broker's delivery fields, whatever headers a publisher sent.
   */
  protected provenanceOf(message: ConsumeMessage): Provenance {
    return this.retrySeal.open(this.options.queue, message) ?? deliveredProvenance(message);
  }

  /** Runs an exchange handler; a handler that throws (a bug) parks the delivery instead of losing it. */
  protected async runExchangeHandler(
    handler: ExchangeHandler,
    message: ConsumeMessage,
  ): Promise<ExchangeOutcome> {
    try {
      return await handler(message);
    } catch (error) {
      this.logger.error(`exchange handler failed on ${message.fields.routingKey}: ${describeError(error)}`);
      const headers = this.failureHeaders(message, {
        [HEADERS.deathReason]: 'handler-error',
        [HEADERS.lastError]: describeError(error).slice(0, 500),
        [HEADERS.failedAt]: new Date().toISOString(),
      });
      return {
        kind: 'forward',
        copies: [
          {
            exchange: '',
            routingKey: this.retryPolicy.deadLetterQueue,
            toQueue: this.retryPolicy.deadLetterQueue,
            content: message.content,
            properties: {
              contentType: message.properties.contentType as string | undefined,
              persistent: true,
              headers,
            },
          },
        ],
      };
    }
  }

  /** Every binding of the service queue: the handlers' patterns plus the extra ones. */
  protected bindings(): { exchange: string; routingKey: string }[] {
    const patterns = [...this.getHandlers().keys()];
    // Nest turns an object pattern ({ cmd: 'x' }) into JSON; a routing key cannot carry that.
    const invalid = patterns.filter((pattern) => pattern.startsWith('{') || pattern.length > 255);
    if (invalid.length > 0) throw new InvalidHandlerPatternError(invalid);
    const fromHandlers = patterns.map((routingKey) => ({
      exchange: this.options.exchange,
      routingKey,
    }));
    return [...fromHandlers, ...this.extraBindings];
  }

  on(): never {
    throw new Error('The bus reports its state through logs and metrics, not events');
  }

  /** Runs `work` as tracked in-flight handling, so close() can wait for it. */
  protected track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }

  protected async waitForRunningHandlers(): Promise<void> {
    const deadline = new Promise<void>((resolve) =>
      setTimeout(resolve, this.options.drainTimeoutMs ?? 10_000).unref(),
    );
    await Promise.race([Promise.allSettled([...this.running]), deadline]);
  }

  /**
   * Decodes, finds the handler and runs it; never throws, so one message cannot stop the consumer.
   * The handler runs with the message's correlation id in scope (log lines and what it publishes
   * carry it), timed in `bus_handle_duration_seconds`, and in a consumer span when tracing is on.
   */
  protected async dispatch(
    message: ConsumeMessage,
    channel: ConfirmChannel | null,
    sendReply: (packet: ReplyPacket) => Promise<void>,
  ): Promise<DispatchOutcome> {
    const startedAt = performance.now();
    const outcome = await this.dispatchMessage(message, channel, sendReply);
    const pattern = outcome.pattern ?? UNMATCHED_PATTERN;
    this.metrics.onHandled(pattern, outcome.kind, (performance.now() - startedAt) / 1000);
    return outcome;
  }

  private async dispatchMessage(
    message: ConsumeMessage,
    channel: ConfirmChannel | null,
    sendReply: (packet: ReplyPacket) => Promise<void>,
  ): Promise<DispatchOutcome> {
    const reply = async (packet: ReplyPacket): Promise<void> => {
      try {
        await sendReply(packet);
      } catch (error) {
        // The requester times out on its own; the message itself is still settled.
        this.logger.warn(`could not reply to ${routingKey}: ${describeError(error)}`);
      }
    };
    const { properties } = message;
    const provenance = this.provenanceOf(message);
    const { routingKey } = provenance;
    let data: unknown;
    try {
      data = JSON.parse(message.content.toString('utf8'));
    } catch (error) {
      return { kind: 'dead-letter', reason: 'unparsable-body', error: describeError(error) };
    }
    const pattern = findMatchingPattern(this.getHandlers().keys(), routingKey);
    const handler = pattern === null ? null : this.getHandlers().get(pattern);
    if (pattern === null || !handler) {
      if (properties.replyTo)
        await reply({
          err: { code: 'NO_HANDLER', message: `no handler for "${routingKey}"` },
          isDisposed: true,
        });
      return {
        kind: 'dead-letter',
        reason: 'no-handler',
        error: `no handler for routing key "${routingKey}"`,
      };
    }
    const ctx = new AmqpContext([message, channel, pattern, provenance]);
    const correlationId = typeof properties.correlationId === 'string' ? properties.correlationId : undefined;
    const run = async (): Promise<DispatchOutcome> => {
      if (handler.isEventHandler) return this.runEventHandlers(handler, data, ctx, pattern, provenance);
      try {
        await this.withinHandlerTimeout(pattern, () => this.runRequestHandler(handler, data, ctx, reply));
      } catch (error) {
        // Only the timeout gets here (runRequestHandler replies to everything else itself).
        await reply({ err: toWireError(error), isDisposed: true });
      }
      return { kind: 'done', pattern };
    };
    const tracing = activeTracing();
    return correlation.run(correlationId ?? '', () =>
      tracing
        ? tracing.traceConsume(
            {
              routingKey,
              pattern,
              exchange: provenance.exchange,
              messageId: typeof properties.messageId === 'string' ? properties.messageId : undefined,
              correlationId,
              headers: properties.headers,
            },
            run,
            (outcome) => (outcome.kind === 'done' ? null : outcome.error),
          )
        : run(),
    );
  }

  private async runEventHandlers(
    handler: MessageHandler,
    data: unknown,
    ctx: AmqpContext,
    pattern: string,
    provenance: Provenance,
  ): Promise<DispatchOutcome> {
    try {
      await this.withinHandlerTimeout(pattern, async () => {
        for (let current: MessageHandler | undefined = handler; current; current = current.next) {
          await settle(await current(data, ctx));
        }
      });
      return { kind: 'done', pattern };
    } catch (filtered) {
      const error =
        filtered instanceof HandlerTimeoutError ? filtered : (ctx.getFailure()?.error ?? filtered);
      if (isInvalidPayload(error))
        return { kind: 'dead-letter', reason: 'invalid-body', error: describeError(error), pattern };
      const decision = this.retryPolicy.decide(provenance.retryCount);
      if (decision.action === 'retry')
        return { kind: 'retry', pattern, decision, error: describeError(error) };
      return { kind: 'dead-letter', reason: 'retries-exhausted', error: describeError(error), pattern };
    }
  }

  /**
   * Settles when `work` does or, after BUS_HANDLER_TIMEOUT, rejects with HandlerTimeoutError. The
   * work itself cannot be cancelled and runs on; its message is settled and its slot freed.
   */
  private async withinHandlerTimeout(pattern: string, work: () => Promise<void>): Promise<void> {
    const timeoutMs = this.options.handlerTimeoutMs;
    if (timeoutMs === undefined) return work();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HandlerTimeoutError(pattern, timeoutMs)), timeoutMs);
    });
    const running = work();
    // A handler that fails after its timeout has nobody left to tell.
    running.catch(() => undefined);
    try {
      await Promise.race([running, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A request is answered, never retried: the caller is waiting and decides what to do. */
  private async runRequestHandler(
    handler: MessageHandler,
    data: unknown,
    ctx: AmqpContext,
    reply: (packet: ReplyPacket) => Promise<void>,
  ): Promise<void> {
    let response$: Observable<unknown>;
    try {
      response$ = this.transformToObservable(await handler(data, ctx));
    } catch (error) {
      await reply({ err: toWireError(ctx.getFailure()?.error ?? error), isDisposed: true });
      return;
    }
    await new Promise<void>((resolve) => {
      this.send(response$, async (packet: WritePacket) => {
        await reply(
          packet.err === undefined
            ? { response: packet.response, isDisposed: packet.isDisposed }
            : { err: toWireError(ctx.getFailure()?.error ?? packet.err), isDisposed: true },
        );
        if (packet.isDisposed || packet.err !== undefined) resolve();
      });
    });
  }

  /** Headers of a message going to a delay queue or the dead-letter queue. */
  protected failureHeaders(message: ConsumeMessage, extra: Record<string, unknown>): Record<string, unknown> {
    const headers: Record<string, unknown> = { ...message.properties.headers };
    // x-headers belong to the broker: RabbitMQ 4.x ignores a republished x-death, so the count
    // lives in our own x-retry-count and stale broker death headers are not copied along.
    for (const name of Object.keys(headers)) if (BROKER_DEATH_HEADERS.test(name)) delete headers[name];
    const known = this.provenanceOf(message);
    const retryCount = extra[HEADERS.retryCount];
    // Whatever a publisher sent under these names is replaced by what we know, then sealed.
    const provenance: Provenance = {
      ...known,
      retryCount: typeof retryCount === 'number' ? retryCount : known.retryCount,
    };
    return {
      ...headers,
      ...extra,
      [HEADERS.originalRoutingKey]: provenance.routingKey,
      [HEADERS.originalExchange]: provenance.exchange,
      [HEADERS.retryCount]: provenance.retryCount,
      [HEADERS.sourceQueue]: this.options.queue,
      [HEADERS.retrySeal]: this.retrySeal.seal(this.options.queue, provenance, message.content),
    };
  }
}

const BROKER_DEATH_HEADERS = /^x-(death|first-death-.*|last-death-.*)$/;

async function settle(result: unknown): Promise<void> {
  if (isObservable(result)) await lastValueFrom(result.pipe(defaultIfEmpty(undefined)));
}

/** A ValidationPipe rejection (400) will fail the same way on every retry: park it at once. */
function isInvalidPayload(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const status =
    (error as { getStatus?: () => number }).getStatus?.() ?? (error as { status?: unknown }).status;
  return status === 400;
}

function toWireError(error: unknown): { code: string; message: string } {
  if (typeof error === 'object' && error !== null) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    // A plain Error (or Nest's filtered `{ status: 'error' }`) has no more specific name to carry.
    const code = typeof name === 'string' && name !== 'Error' ? name : 'HANDLER_ERROR';
    return { code, message: typeof message === 'string' ? message : describeError(error) };
  }
  return { code: 'HANDLER_ERROR', message: String(error) };
}
