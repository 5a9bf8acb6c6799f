import { RetryPolicy } from './retry-policy';

describe(RetryPolicy.name, () => {
  const policy = new RetryPolicy('billing', [1000, 10_000, 60_000]);

  it('sends attempt n to the delay queue of the n-th delay', () => {
    expect(policy.decide(0)).toEqual({
      action: 'retry',
      delayMs: 1000,
      attempt: 1,
      queue: 'billing.retry.1000',
    });
    expect(policy.decide(2)).toEqual({
      action: 'retry',
      delayMs: 60_000,
      attempt: 3,
      queue: 'billing.retry.60000',
    });
  });

  it('parks the message in dead_letter_<queue> after the last delay', () => {
    expect(policy.decide(3)).toEqual({ action: 'dead-letter', queue: 'dead_letter_billing' });
  });

  it('parks at once when no retries are configured', () => {
    expect(new RetryPolicy('billing', []).decide(0)).toEqual({
      action: 'dead-letter',
      queue: 'dead_letter_billing',
    });
  });

  it('declares one delay queue per distinct delay', () => {
    expect(new RetryPolicy('q', [500, 500, 2000]).retryQueues).toEqual([
      { name: 'q.retry.500', delayMs: 500 },
      { name: 'q.retry.2000', delayMs: 2000 },
    ]);
  });
});
