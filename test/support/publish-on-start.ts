/**
 * main.ts plus one event published right after start-up, for the shutdown test: with the broker
 * unreachable the publish stays unconfirmed, and SIGTERM must still end with exit code 0.
 */
import 'reflect-metadata';
import { createApp } from '../../src/app.factory';
import { BusClient } from '../../src/bus/bus.client';
import { exitOnStartupError, stopOnSignals } from '../../src/lifecycle';
import { loadSettingsOrExit } from '../../src/settings/load-settings';

const settings = loadSettingsOrExit();

async function start(): Promise<void> {
  const app = await createApp(settings);
  stopOnSignals(app, settings.shutdownTimeoutSeconds);
  await app.listen({ port: settings.port, host: '127.0.0.1' });
  app
    .get(BusClient)
    .publishEvent('test.shutdown', { n: 1 })
    .catch((error: Error) => process.stdout.write(`publish failed: ${error.name}\n`));
  process.stdout.write('publish pending\n');
}

start().catch((error: unknown) => exitOnStartupError(error, settings.debug));
