import { WritePacket } from '@nestjs/microservices';
import { Channel, ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { AmqpConnection, AmqpSession } from './amqp-connection';
import { ConfirmPublisher } from './amqp-publisher';
import { BusClient } from './bus.client';
import { DIRECT_REPLY_QUEUE } from './bus.constants';
import { BusClosedError, RemoteHandlerError, RequestInterruptedError, RpcTimeoutError } from './bus.errors';
import { BusMetrics } from './bus.metrics';
import { encodeBody, eventProperties, PublishOptions, toRoutingKey, writableHeaders } from './bus.message';
import { RawPublishProperties, ReplyPacket } from './bus.server';
import { activeTracing, MessageHeaders } from '../tracing/tracing';

export interface AmqpClientOptions {
  readonly url: string;
  readonly exchange: string;
  readonly publishTimeoutMs: number;
  readonly publishBufferLimit: number;
  readonly requestTimeoutMs: number;
  readonly connectionName?: string;
}

interface PendingRequest {
  readonly routingKey: string;
  readonly callback: (packet: WritePacket) => void;
  readonly timer: NodeJS.Timeout;
  readonly content: Buffer;
  readonly timeoutMs: number;
  readonly headers: MessageHeaders;
  isSent: boolean;
}

/**
 * The RabbitMQ client (nestjs/nest `ClientRMQ`): events through a confirm publisher that survives
 * reconnects; requests over direct reply-to, which needs no reply queue of its own.
 */
export class AmqpClient extends BusClient {
  readonly connection: AmqpConnection;
  protected readonly requestTimeoutMs: number;
  protected readonly requestExchange: string;
  private readonly publisher: ConfirmPublisher;
  private readonly pendingRequests = new Map<string, PendingRequest>();
  private readonly unsentRequests: string[] = [];
  private rpcChannel: Channel | null = null;
  private readonly extraExchanges = new Set<string>();

  constructor(
    private readonly options: AmqpClientOptions,
    metrics: BusMetrics,
  ) {
    super();
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.requestExchange = options.exchange;
    this.connection = new AmqpConnection(options.url, options.connectionName ?? 'bus-client');
    this.publisher = new ConfirmPublisher(
      this.connection,
      options.publishBufferLimit,
      options.publishTimeoutMs,
      metrics,
    );
    this.connection.addSetup((session) => this.setupSession(session));
    this.connection.onUp(() => this.sendWaitingRequests());
    this.connection.onDown(() => this.failSentRequests());
  }

  /** Starts connecting and returns at once: publishes wait (bounded) until the broker is there. */
  connect(): Promise<void> {
    // The only way start() fails is close() during connecting, which needs no report.
    this.connection.start().catch(() => undefined);
    return Promise.resolve();
  }

  get isConnected(): boolean {
    return this.connection.isConnected;
  }

  /**
   * Not an async function: the publisher's own promise is returned as it is, since wrapping it
   * cost each message a promise and two microtask turns (the hot path of every publish). A bad
   * routing key or body still rejects the returned promise rather than throwing.
   */
  publishEvent(routingKey: string, data: unknown, options: PublishOptions = {}): Promise<void> {
    try {
      if (!this.connection.isConnected) void this.connect();
      const key = toRoutingKey(routingKey);
      const exchange = options.exchange ?? this.options.exchange;
      const properties = eventProperties(key, options);
      const publish = () => this.publisher.publish(exchange, key, encodeBody(data), properties);
      const tracing = activeTracing();
      return tracing ? tracing.tracePublish(exchange, key, writableHeaders(properties), publish) : publish();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async publishRaw(
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties: RawPublishProperties = {},
  ): Promise<void> {
    await this.connect();
    return this.publisher.publish(exchange, toRoutingKey(routingKey), content, { ...properties });
  }

  async declareExchange(name: string): Promise<void> {
    if (this.extraExchanges.has(name)) return;
    this.extraExchanges.add(name);
    const session = this.connection.current;
    // Not connected: the next session's setup declares it before anything is published.
    if (session) await session.channel.assertExchange(name, 'topic', { durable: true });
  }

  /** Flushes what is still unconfirmed (bounded by BUS_PUBLISH_TIMEOUT), then disconnects. */
  async close(): Promise<void> {
    await this.publisher.drain();
    this.publisher.close();
    for (const [id, request] of this.pendingRequests)
      this.finishRequest(id, { err: new BusClosedError(`wait for "${request.routingKey}"`) });
    await this.connection.close();
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  protected sendRequest(
    routingKey: string,
    data: unknown,
    timeoutMs: number,
    callback: (packet: WritePacket) => void,
    headers: MessageHeaders = {},
  ): () => void {
    void this.connect();
    const id = randomUUID();
    const timer = setTimeout(
      () => this.finishRequest(id, { err: new RpcTimeoutError(routingKey, timeoutMs) }),
      timeoutMs,
    );
    this.unsentRequests.push(id);
    this.pendingRequests.set(id, {
      routingKey,
      callback,
      timer,
      content: encodeBody(data),
      timeoutMs,
      headers,
      isSent: false,
    });
    this.sendWaitingRequests();
    return () => this.finishRequest(id);
  }

  private async setupSession(session: AmqpSession): Promise<void> {
    // Publishing to a missing exchange closes the channel; declaring ours keeps the first publish
    // of a fresh system (before any consumer declared it) from looping through reconnects.
    await session.channel.assertExchange(this.options.exchange, 'topic', { durable: true });
    for (const name of this.extraExchanges)
      await session.channel.assertExchange(name, 'topic', { durable: true });
    // Direct reply-to only works when requests go out on the channel that consumes the replies.
    const channel = await session.connection.createChannel();
    channel.on('error', () => undefined);
    channel.on('close', () => void session.connection.close().catch(() => undefined));
    await channel.consume(DIRECT_REPLY_QUEUE, (message) => message && this.onReply(message), { noAck: true });
    this.rpcChannel = channel;
  }

  private sendWaitingRequests(): void {
    const channel = this.rpcChannel;
    if (!channel || !this.connection.isConnected) return;
    while (this.unsentRequests.length > 0) {
      const id = this.unsentRequests[0];
      const request = this.pendingRequests.get(id);
      if (request) {
        try {
          channel.publish(this.options.exchange, request.routingKey, request.content, {
            ...eventProperties(request.routingKey),
            headers: request.headers,
            correlationId: id,
            replyTo: DIRECT_REPLY_QUEUE,
            persistent: false,
            // A request nobody took in time is dropped by the broker instead of being answered late.
            expiration: String(request.timeoutMs),
          });
        } catch {
          return; // the channel is closing; the next session sends it (within its timeout)
        }
        request.isSent = true;
      }
      this.unsentRequests.shift();
    }
  }

  /** Their replies were bound to the lost channel and can never arrive. */
  private failSentRequests(): void {
    this.rpcChannel = null;
    for (const [id, request] of this.pendingRequests) {
      if (request.isSent) this.finishRequest(id, { err: new RequestInterruptedError(request.routingKey) });
    }
  }

  private onReply(message: ConsumeMessage): void {
    const id = message.properties.correlationId as string | undefined;
    const request = id === undefined ? undefined : this.pendingRequests.get(id);
    if (!id || !request) return;
    let packet: ReplyPacket;
    try {
      packet = JSON.parse(message.content.toString('utf8')) as ReplyPacket;
    } catch {
      packet = { err: { code: 'UNPARSABLE_REPLY', message: 'the reply was not JSON' } };
    }
    if (packet.err)
      this.finishRequest(id, {
        err: new RemoteHandlerError(request.routingKey, packet.err.code, packet.err.message),
      });
    else if (packet.isDisposed) this.finishRequest(id, { response: packet.response, isDisposed: true });
    else request.callback({ response: packet.response });
  }

  private finishRequest(id: string, packet?: WritePacket): void {
    const request = this.pendingRequests.get(id);
    if (!request) return;
    this.pendingRequests.delete(id);
    clearTimeout(request.timer);
    // Keeps the unsent list bounded while the broker stays away.
    const unsentIndex = request.isSent ? -1 : this.unsentRequests.indexOf(id);
    if (unsentIndex >= 0) this.unsentRequests.splice(unsentIndex, 1);
    if (packet) request.callback(packet);
  }
}
