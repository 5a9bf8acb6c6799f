import { deadLetterQueueName, retryQueueName } from './bus.constants';

/** What to do with a message whose handler threw. */
export type RetryDecision =
  | { readonly action: 'retry'; readonly delayMs: number; readonly attempt: number; readonly queue: string }
  | { readonly action: 'dead-letter'; readonly queue: string };

/**
 * Growing delays between attempts, done by the broker: the message waits in a per-delay queue
 * (`<queue>.retry.<ms>`, x-message-ttl) whose dead-letter target is the service's own queue,
 * so the consumer never sleeps and other messages keep flowing meanwhile.
 */
export class RetryPolicy {
  constructor(
    readonly queue: string,
    readonly delaysMs: readonly number[],
  ) {}

  /** `retryCount` is how many retries the message already had (the `x-retry-count` header). */
  decide(retryCount: number): RetryDecision {
    if (retryCount < this.delaysMs.length) {
      const delayMs = this.delaysMs[retryCount];
      return {
        action: 'retry',
        delayMs,
        attempt: retryCount + 1,
        queue: retryQueueName(this.queue, delayMs),
      };
    }
    return { action: 'dead-letter', queue: deadLetterQueueName(this.queue) };
  }

  /** Distinct delays, one delay queue each. */
  get retryQueues(): { readonly name: string; readonly delayMs: number }[] {
    return [...new Set(this.delaysMs)].map((delayMs) => ({
      name: retryQueueName(this.queue, delayMs),
      delayMs,
    }));
  }

  get deadLetterQueue(): string {
    return deadLetterQueueName(this.queue);
  }
}
