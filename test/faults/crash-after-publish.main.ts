/**
 * Test entry: the service exactly as `src/main.ts` starts it, except that the process kills
 * itself (SIGKILL, no shutdown hooks) right after the broker confirmed the N-th data-sync message
 * (`--crash-after-publish N`), i.e. after the relay published a batch and before it could mark
 * it sent. Test-only: nothing in src/ knows about it; without the flag it changes nothing.
 */
import 'reflect-metadata';
import { createApp } from '../../src/app.factory';
import { BusClient } from '../../src/bus/bus.client';
import { BUS_CLIENT } from '../../src/bus/bus.constants';
import { exitOnStartupError, stopOnSignals } from '../../src/lifecycle';
import { loadSettingsOrExit } from '../../src/settings/load-settings';
import { Settings } from '../../src/settings/settings';
import { CQRS_EXCHANGE } from '../../src/sync/sync.constants';

function crashAfterPublishing(bus: BusClient, limit: number): void {
  const publishRaw = bus.publishRaw.bind(bus);
  let confirmed = 0;
  // The relay awaits every confirm of its batch before it marks the rows: dying inside a
  // confirm callback is dying between "published" and "marked sent".
  bus.publishRaw = async (exchange, routingKey, content, properties) => {
    await publishRaw(exchange, routingKey, content, properties);
    if (exchange === CQRS_EXCHANGE && ++confirmed === limit) {
      process.stderr.write(`crash-after-publish: ${confirmed} confirmed, killing the process\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  };
}

function crashLimit(argv: readonly string[]): number | null {
  const index = argv.indexOf('--crash-after-publish');
  if (index < 0) return null;
  const limit = Number(argv[index + 1]);
  if (!Number.isInteger(limit) || limit < 1) throw new Error('--crash-after-publish needs a count >= 1');
  return limit;
}

async function bootstrap(settings: Settings): Promise<void> {
  const app = await createApp(settings);
  const limit = crashLimit(process.argv);
  if (limit !== null) crashAfterPublishing(app.get<BusClient>(BUS_CLIENT), limit);
  stopOnSignals(app, settings.shutdownTimeoutSeconds);
  await app.startAllMicroservices();
  await app.listen({ port: settings.port, host: '127.0.0.1' });
}

const settings = loadSettingsOrExit();
bootstrap(settings).catch((error: unknown) => exitOnStartupError(error, settings.debug));
