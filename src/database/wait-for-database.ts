import { DataSource } from 'typeorm';
import { DataSourceSettings, dataSourceOptions } from './data-source';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

export interface WaitOptions {
  /** One line per failed attempt (the reason and the next delay). */
  readonly log: (line: string) => void;
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Returns once the database accepts a connection, trying again with doubling delays capped at
 * `maxDelayMs`. Start-up waits here, outside Nest, so the server can answer probes meanwhile:
 * TypeORM's own retries run inside Nest's start-up, where nothing listens yet.
 */
export async function waitForDatabase(settings: DataSourceSettings, options: WaitOptions): Promise<void> {
  let delayMs = options.firstDelayMs ?? FIRST_DELAY_MS;
  const maxDelayMs = options.maxDelayMs ?? MAX_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    // A fresh DataSource each time: a failed initialize() can leave a half-made pool behind.
    const probe = new DataSource({ ...dataSourceOptions(settings), migrations: [] });
    try {
      await probe.initialize();
      await probe.destroy();
      return;
    } catch (error) {
      await probe.destroy().catch(() => undefined);
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      options.log(`database: attempt ${attempt} failed (${reason}); trying again in ${formatDelay(delayMs)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, maxDelayMs);
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}
