import { Message } from 'amqplib';
import { HEADERS } from './bus.constants';

/** The key the message was first published with, surviving its trips through delay queues. */
export function routingKeyOf(message: Message): string {
  const original: unknown = message.properties.headers?.[HEADERS.originalRoutingKey];
  return typeof original === 'string' ? original : message.fields.routingKey;
}
