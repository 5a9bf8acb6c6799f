import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The correlation id of the work in hand: the HTTP request id while a request is handled, the
 * message's correlation id while a bus handler runs, a sync event's `correlation_id` while a
 * replica applies it. What is published meanwhile carries it on, and every log line shows it
 * (`correlation_id`), without anyone passing it along by hand.
 */
export const correlationScope = new AsyncLocalStorage<string>();

export function currentCorrelationId(): string | undefined {
  return correlationScope.getStore();
}
