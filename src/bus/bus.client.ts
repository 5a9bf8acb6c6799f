import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { PublishOptions, toRoutingKey } from './bus.message';
import { RawPublishProperties } from './bus.server';
import { activeTracing, MessageHeaders } from '../tracing/tracing';

export interface RequestOptions {
  /** Overrides BUS_REQUEST_TIMEOUT for this call. */
  readonly timeoutMs?: number;
}

/**
 * The injectable bus client (`@Inject(BUS_CLIENT) bus: BusClient`), the same on RabbitMQ and
 * in-process. Nest's `emit()` / `send()` work too; the promise methods below are shorter.
 */
export abstract class BusClient extends ClientProxy {
  protected abstract readonly requestTimeoutMs: number;
  /** The exchange requests are published on (the span's destination). */
  protected abstract readonly requestExchange: string;

  /** Publishes an event; resolves once the broker has it (publisher confirm). */
  abstract publishEvent(routingKey: string, data: unknown, options?: PublishOptions): Promise<void>;

  /**
   * Publishes `content` exactly as given, with only `properties` (no JSON encoding, no message id,
   * no timestamp): what a foreign wire format such as django-cqrs needs. Resolves on the confirm.
   */
  abstract publishRaw(
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties?: RawPublishProperties,
  ): Promise<void>;

  /** Declares a durable topic exchange without arguments, now and after every reconnect. */
  abstract declareExchange(name: string): Promise<void>;

  /** True when the client can reach its broker now (always true in-process). */
  abstract get isConnected(): boolean;

  /** Sends a request to the one service that handles `pattern` and resolves with its last reply. */
  async request<T = unknown>(pattern: string, data: unknown, options: RequestOptions = {}): Promise<T> {
    await this.connect();
    const routingKey = toRoutingKey(pattern);
    // Filled with `traceparent` by the span below before the request is sent.
    const headers: MessageHeaders = {};
    const send = () =>
      new Promise<T>((resolve, reject) => {
        let last: unknown;
        this.sendRequest(
          routingKey,
          data,
          options.timeoutMs ?? this.requestTimeoutMs,
          ({ err, response, isDisposed }) => {
            if (err) return reject(err as Error);
            if (response !== undefined) last = response;
            if (isDisposed) resolve(last as T);
          },
          headers,
        );
      });
    const tracing = activeTracing();
    return tracing ? tracing.traceRequest(this.requestExchange, routingKey, headers, send) : send();
  }

  /**
   * Publishes the request (with `headers` as its AMQP headers) and calls `callback` per reply;
   * returns an unsubscribe function.
   */
  protected abstract sendRequest(
    routingKey: string,
    data: unknown,
    timeoutMs: number,
    callback: (packet: WritePacket) => void,
    headers?: MessageHeaders,
  ): () => void;

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    try {
      return this.sendRequest(toRoutingKey(packet.pattern), packet.data, this.requestTimeoutMs, callback);
    } catch (error) {
      callback({ err: error });
      return () => undefined;
    }
  }

  protected dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    return this.publishEvent(toRoutingKey(packet.pattern), packet.data) as Promise<T>;
  }

  override on(): never {
    throw new Error('The bus client reports its state through logs and metrics, not events');
  }
}
