import { BaseRpcContext } from '@nestjs/microservices';
import { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { Provenance } from './retry-seal';

type AmqpContextArgs = [
  message: ConsumeMessage,
  channel: ConfirmChannel | null,
  pattern: string,
  provenance: Provenance,
];

/**
 * What a handler gets with `@Ctx()`, on both transports (nestjs/nest `RmqContext`). The transport
 * acks for the handler, so the channel is for inspection only; in-process it is null.
 */
export class AmqpContext extends BaseRpcContext<AmqpContextArgs> {
  private failure: { readonly error: unknown } | null = null;

  /** The raw message: `fields.routingKey`, `properties.messageId`, `properties.headers`, … */
  getMessage(): ConsumeMessage {
    return this.args[0];
  }

  /** The amqplib channel the message came on; null on the in-process bus. */
  getChannelRef(): ConfirmChannel | null {
    return this.args[1];
  }

  /** The handler pattern that matched, e.g. `orders.*.created`. */
  getPattern(): string {
    return this.args[2];
  }

  /** The routing key the message was published with, e.g. `orders.eu.created`. */
  getRoutingKey(): string {
    return this.args[3].routingKey;
  }

  /** The exchange the message was first published to, surviving its trips through delay queues. */
  getExchange(): string {
    return this.args[3].exchange;
  }

  /** The handler's own error, before Nest's exception filter hides it (see BusExceptionFilter). */
  recordFailure(error: unknown): void {
    this.failure ??= { error };
  }

  getFailure(): { readonly error: unknown } | null {
    return this.failure;
  }

  getCorrelationId(): string | undefined {
    return this.args[0].properties.correlationId as string | undefined;
  }
}
