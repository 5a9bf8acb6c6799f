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

/** The database driver cannot be loaded: no amount of waiting helps, so start-up stops. */
export class DatabaseDriverError extends Error {
  constructor(reason: string) {
    super(
      `database: the driver cannot be loaded (${reason}); reinstall the dependencies with the ` +
        `Node.js that runs the service (npm ci, or npm rebuild better-sqlite3)`,
    );
    this.name = 'DatabaseDriverError';
  }
}

/**
 * A native addon built for another Node.js version or platform (`ERR_DLOPEN_FAILED`: "did not
 * self-register", "compiled against a different Node.js version"), or a driver that is not
 * installed: failures of the installation, not of the database.
 */
export function isDriverLoadError(error: unknown): boolean {
  // Not `instanceof Error`: errors of Node's own loader may come from another realm (a vm, Jest).
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, message } = error as Partial<NodeJS.ErrnoException>;
  return (
    code === 'ERR_DLOPEN_FAILED' ||
    code === 'MODULE_NOT_FOUND' ||
    name === 'DriverPackageNotInstalledError' ||
    /did not self-register|NODE_MODULE_VERSION/.test(String(message))
  );
}

/**
 * Returns once the database accepts a connection, trying again with doubling delays capped at
 * `maxDelayMs`. Start-up waits here, outside Nest, so the server can answer probes meanwhile:
 * TypeORM's own retries run inside Nest's start-up, where nothing listens yet. A driver that
 * cannot be loaded throws DatabaseDriverError at once instead.
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
      const message = error instanceof Error ? error.message : String(error);
      // Node's ABI message names the module on one line and the versions on the next: keep both.
      if (isDriverLoadError(error)) throw new DatabaseDriverError(message.replace(/\s+/g, ' ').trim());
      const reason = message.split('\n')[0];
      options.log(`database: attempt ${attempt} failed (${reason}); trying again in ${formatDelay(delayMs)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, maxDelayMs);
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}
