import { DataSource } from 'typeorm';
import { SyncCleanup } from './sync-cleanup.service';

describe(SyncCleanup.name, () => {
  const dataSource = { options: { type: 'better-sqlite3' } } as unknown as DataSource;
  const cleanup = (messageTtlSeconds: number | null, maxRetries: number | null) =>
    new SyncCleanup(dataSource, { messageTtlSeconds, maxRetries, retryDelayMs: 2_000 });

  it('keeps inbox rows and tombstones for the message TTL plus the retry budget', () => {
    expect(cleanup(86_400, 30).minimumRetentionMs).toBe(86_400_000 + 60_000);
    expect(cleanup(3_600, 0).minimumRetentionMs).toBe(3_600_000);
  });

  it('counts no budget for endless retries (expiry is checked before each), and keeps them forever without expiry', () => {
    expect(cleanup(3_600, null).minimumRetentionMs).toBe(3_600_000);
    expect(cleanup(null, 30).minimumRetentionMs).toBeNull();
  });

  it('refuses a negative window', async () => {
    await expect(cleanup(3_600, 30).prune(-1)).rejects.toThrow(RangeError);
  });
});
