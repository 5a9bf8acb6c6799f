import { WritePacket } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { BusClient } from './bus.client';
import { DIRECT_REPLY_QUEUE } from './bus.constants';
import { RemoteHandlerError, RpcTimeoutError } from './bus.errors';
import { BusMetrics } from './bus.metrics';
import { encodeBody, eventProperties, PublishOptions, toRoutingKey, writableHeaders } from './bus.message';
import { RawPublishProperties, ReplyPacket } from './bus.server';
import { InProcessBroker } from './in-process.broker';
import { activeTracing, MessageHeaders } from '../tracing/tracing';

export interface InProcessClientOptions {
  readonly exchange: string;
  readonly requestTimeoutMs: number;
}

/** The client without a broker: same API and wire shape as `AmqpClient`, on the process's broker. */
export class InProcessClient extends BusClient {
  protected readonly requestTimeoutMs: number;
  protected readonly requestExchange: string;

  constructor(
    private readonly broker: InProcessBroker,
    private readonly options: InProcessClientOptions,
    private readonly metrics: BusMetrics,
  ) {
    super();
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.requestExchange = options.exchange;
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  get isConnected(): boolean {
    return true;
  }

  async publishEvent(routingKey: string, data: unknown, options: PublishOptions = {}): Promise<void> {
    const key = toRoutingKey(routingKey);
    const exchange = options.exchange ?? this.options.exchange;
    const { persistent: _persistent, ...properties } = eventProperties(key, options);
    const publish = async (): Promise<void> => {
      this.broker.publish(exchange, key, encodeBody(data), properties);
      this.metrics.onPublished();
      this.metrics.onConfirmed();
      this.metrics.onPublishSettled(0, 'confirmed');
    };
    const tracing = activeTracing();
    return tracing ? tracing.tracePublish(exchange, key, writableHeaders(properties), publish) : publish();
  }

  async publishRaw(
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties: RawPublishProperties = {},
  ): Promise<void> {
    const { persistent, ...rest } = properties;
    this.broker.publish(exchange, toRoutingKey(routingKey), content, {
      ...rest,
      deliveryMode: persistent ? 2 : undefined,
    });
    this.metrics.onPublished();
    this.metrics.onConfirmed();
  }

  async declareExchange(): Promise<void> {}

  async close(): Promise<void> {}

  unwrap<T>(): T {
    return this.broker as T;
  }

  protected sendRequest(
    routingKey: string,
    data: unknown,
    timeoutMs: number,
    callback: (packet: WritePacket) => void,
    headers: MessageHeaders = {},
  ): () => void {
    const replyQueue = `${DIRECT_REPLY_QUEUE}.${randomUUID()}`;
    let isDone = false;
    const finish = (packet?: WritePacket): void => {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      this.broker.deleteQueue(replyQueue);
      if (packet) callback(packet);
    };
    const timer = setTimeout(() => finish({ err: new RpcTimeoutError(routingKey, timeoutMs) }), timeoutMs);
    this.broker.consume(replyQueue, Infinity, async (message) => {
      const packet = JSON.parse(message.content.toString('utf8')) as ReplyPacket;
      if (packet.err)
        finish({ err: new RemoteHandlerError(routingKey, packet.err.code, packet.err.message) });
      else if (packet.isDisposed) finish({ response: packet.response, isDisposed: true });
      else callback({ response: packet.response });
    });
    const { persistent: _persistent, ...properties } = eventProperties(routingKey);
    this.broker.publish(this.options.exchange, routingKey, encodeBody(data), {
      ...properties,
      headers,
      correlationId: randomUUID(),
      replyTo: replyQueue,
    });
    return () => finish();
  }
}
