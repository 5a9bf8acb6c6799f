import { INestApplicationContext, Logger } from '@nestjs/common';
import { ShutdownState } from './platform/shutdown-state';
import { SettingsError } from './settings/settings-error';

export interface StopOptions {
  /** SHUTDOWN_TIMEOUT: how long the drain (HTTP, bus consumers, jobs, connections) may take. */
  readonly timeoutSeconds: number;
  /** SHUTDOWN_DELAY: how long the app keeps serving, readiness 503, before it starts draining. */
  readonly delaySeconds?: number;
}

/**
 * SIGTERM/SIGINT first turn readiness 503 and keep serving for SHUTDOWN_DELAY (every response
 * with `Connection: close`), because Kubernetes routes to a terminating pod for a few more
 * seconds. Then the app closes: the HTTP server stops accepting, in-flight requests finish, bus
 * consumers stop and their in-flight messages are settled, connections close. A second signal or
 * the timeout (delay + SHUTDOWN_TIMEOUT) forces the exit.
 * A bare number is SHUTDOWN_TIMEOUT with no delay (the form test entries use).
 */
export function stopOnSignals(app: INestApplicationContext, options: StopOptions | number): void {
  const { timeoutSeconds, delaySeconds = 0 } =
    typeof options === 'number' ? { timeoutSeconds: options } : options;
  const logger = new Logger('Lifecycle');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    app.get(ShutdownState, { strict: false }).begin();
    logger.log(
      `${signal} received: readiness is 503, serving ${delaySeconds}s more, then draining (at most ${timeoutSeconds}s)`,
    );
    const timer = setTimeout(
      () => {
        logger.error(`shutdown took longer than ${delaySeconds + timeoutSeconds}s: exiting`);
        process.exit(1);
      },
      (delaySeconds + timeoutSeconds) * 1000,
    );
    timer.unref();
    sleep(delaySeconds * 1000)
      .then(() => {
        logger.log('draining: the server stops accepting, in-flight work finishes');
        return app.close();
      })
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${(error as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop).on('SIGINT', stop);
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/**
 * Before the app exists (waiting for the database) there is nothing to drain: a signal ends the
 * process at once. Returns the function that hands the signals over to stopOnSignals().
 */
export function exitOnSignalsWhileStarting(): () => void {
  const exit = (signal: NodeJS.Signals): void => {
    new Logger('Lifecycle').log(`${signal} received while starting: exiting`);
    process.exit(0);
  };
  process.on('SIGTERM', exit).on('SIGINT', exit);
  return () => {
    process.off('SIGTERM', exit).off('SIGINT', exit);
  };
}

/** A start-up failure is one line on stderr and exit code 1; the stack only under DEBUG. */
export function exitOnStartupError(error: unknown, debug: boolean): never {
  const err = error instanceof Error ? error : new Error(String(error));
  const message = err.message.split('\n')[0];
  // A setting found wrong only once the modules exist (JOB_<NAME>_* naming no job) reads like the rest.
  if (err instanceof SettingsError) {
    process.stderr.write(`settings: ${message}\n`);
    process.exit(1);
  }
  process.stderr.write(`startup failed: ${message}\n`);
  if (debug) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
}
