/**
 * Test entry: the service as `src/main.ts` starts it, plus the fault tests' `item` replica (a
 * replica has to be declared in code), with its apply and drop logs. Its tables are made before
 * the bus starts consuming.
 * Run by the fault tests as its own process: `spawnService('../test/faults/item-replica.main.ts', env)`.
 */
import 'reflect-metadata';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { exitOnStartupError, stopOnSignals } from '../../src/lifecycle';
import { loadSettingsOrExit } from '../../src/settings/load-settings';
import { Settings } from '../../src/settings/settings';
import { ReplicaApplier } from '../../src/sync/replica-applier.service';
import { createReplicaTables, logDrops, loggedItemReplicaModule } from './apply-log';

async function bootstrap(settings: Settings): Promise<void> {
  const app = await createApp(settings, [loggedItemReplicaModule()]);
  const dataSource = app.get<DataSource>(getDataSourceToken());
  await createReplicaTables(dataSource);
  logDrops(app.get(ReplicaApplier), dataSource);
  stopOnSignals(app, settings.shutdownTimeoutSeconds);
  await app.startAllMicroservices();
  await app.listen({ port: settings.port, host: '127.0.0.1' });
}

const settings = loadSettingsOrExit();
bootstrap(settings).catch((error: unknown) => exitOnStartupError(error, settings.debug));
