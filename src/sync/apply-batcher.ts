/** What one item of a batch came to: its result, or the error that item alone failed with. */
export type BatchOutcome<R> =
  { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

interface Pending<I, R> {
  readonly item: I;
  readonly key: string;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while a batch is running wait and go together in the next one,
 * so the cost of a transaction (its round trips and the commit's fsync) is paid once per batch,
 * not once per item. An idle batcher starts at once (a lone item is not held back to wait for
 * company), so latency at low rates stays that of one transaction.
 *
 * One batch runs at a time, items in arrival order, and a batch never holds two items with the
 * same key: the second waits for the next batch, and every later item of that key with it, so
 * the items of one key are handled one after the other in the order they came.
 */
export class ApplyBatcher<I, R> {
  private queue: Pending<I, R>[] = [];
  private isRunning = false;

  constructor(
    private readonly maxBatch: number,
    private readonly runBatch: (items: readonly I[]) => Promise<BatchOutcome<R>[]>,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`maxBatch must be ≥ 1, got ${maxBatch}`);
  }

  submit(key: string, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, key, resolve, reject });
      if (!this.isRunning) {
        this.isRunning = true;
        // Deliveries of one socket read arrive in the same tick: let them join this batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.take();
      let outcomes: BatchOutcome<R>[];
      try {
        outcomes = await this.runBatch(batch.map((pending) => pending.item));
      } catch (error) {
        outcomes = batch.map(() => ({ ok: false, error }));
      }
      batch.forEach((pending, i) => {
        const outcome = outcomes[i];
        if (outcome.ok) pending.resolve(outcome.value);
        else pending.reject(outcome.error);
      });
    }
    this.isRunning = false;
  }

  /** Up to maxBatch items with distinct keys, in arrival order; the rest stay queued, in order. */
  private take(): Pending<I, R>[] {
    const batch: Pending<I, R>[] = [];
    const rest: Pending<I, R>[] = [];
    const keys = new Set<string>();
    for (const pending of this.queue) {
      if (batch.length < this.maxBatch && !keys.has(pending.key)) batch.push(pending);
      else rest.push(pending);
      keys.add(pending.key);
    }
    this.queue = rest;
    return batch;
  }
}
