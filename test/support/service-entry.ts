import type { DynamicModule, Type } from '@nestjs/common';
import { createApp } from '../../src/app.factory';
import { exitOnStartupError, stopOnSignals } from '../../src/lifecycle';
import { loadSettingsOrExit } from '../../src/settings/load-settings';

/**
 * What main.ts does (settings, app, SIGTERM handling with the shutdown delay, bus, listen on
 * 127.0.0.1), with the test's own modules added; prints `listening` once it listens.
 */
export function runServiceWith(modules: (Type | DynamicModule)[]): void {
  const settings = loadSettingsOrExit();
  const start = async (): Promise<void> => {
    const app = await createApp(settings, modules);
    stopOnSignals(app, {
      timeoutSeconds: settings.shutdownTimeoutSeconds,
      delaySeconds: settings.shutdownDelaySeconds,
    });
    await app.startAllMicroservices();
    await app.listen({ port: settings.port, host: '127.0.0.1' });
    process.stdout.write('listening\n');
  };
  start().catch((error: unknown) => exitOnStartupError(error, settings.debug));
}
