import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The correlation id of the message being handled, so anything a handler publishes carries it
 * on without the handler passing it along by hand.
 */
export const correlationScope = new AsyncLocalStorage<string>();

export function currentCorrelationId(): string | undefined {
  return correlationScope.getStore();
}
