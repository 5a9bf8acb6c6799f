import { INestApplicationContext, Logger } from '@nestjs/common';
import { SettingsError } from './settings/settings-error';

/**
 * SIGTERM/SIGINT close the app: the HTTP server stops accepting, in-flight requests finish,
 * consumers drain, connections close. A second signal or the timeout forces the exit.
 */
export function stopOnSignals(app: INestApplicationContext, timeoutSeconds: number): void {
  const logger = new Logger('Lifecycle');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.log(`${signal} received: draining (at most ${timeoutSeconds}s)`);
    const timer = setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutSeconds}s: exiting`);
      process.exit(1);
    }, timeoutSeconds * 1000);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop).on('SIGINT', stop);
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
