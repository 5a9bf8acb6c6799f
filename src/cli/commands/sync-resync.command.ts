import { Command } from 'commander';
import { broadcastRoutingKey, directRoutingKey } from '../../sync/sync.constants';
import { parseSyncFilter } from '../../sync/sync-filter';
import { SyncSender } from '../../sync/sync-sender.service';
import { SyncCli } from './sync-context';
import { queueName, SyncCommandContext, syncCommand, wholeNumber, withSyncCli } from './sync-options';
import { Progress } from './sync-progress';

interface ResyncOptions {
  readonly filter?: string;
  readonly queue?: string;
  readonly batch: number;
  readonly publish: boolean;
  readonly progress: boolean;
  readonly json?: boolean;
}

/** `sync:resync <cqrs_id> [--filter JSON] [--queue q] [--batch n]` (django-cqrs `cqrs_sync`). */
export function registerSyncResyncCommand(program: Command, context: SyncCommandContext): void {
  syncCommand(program, 'sync:resync')
    .description(
      'queue every row (or the --filter rows) of a master entity as SYNC for every replica or one queue, then publish them',
    )
    .argument('<cqrs_id>', 'the entity this service masters, e.g. item')
    .option(
      '--filter <json>',
      'Django lookups of the rows to send: {"id__in":[1,2]}, {"field":value}, field__in, field__gt/gte/lt/lte',
    )
    .option(
      '--queue <queue>',
      'only this replica service (routing key cqrs.<queue>.<cqrs_id>); default every replica',
      queueName,
    )
    .option('--batch <n>', 'rows per transaction', wholeNumber(1, 100_000), 1000)
    .option('--no-publish', "only queue them in the outbox, for the running service's relay to publish")
    .option('--no-progress', 'no progress bars on stderr (there are none when stderr is not a terminal)')
    .option('--json', 'print the counts as one JSON object')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run cli -- sync:resync item\n  npm run cli -- sync:resync item --queue billing --filter \'{"id__in":["3f2a…"]}\'',
    )
    .action((cqrsId: string, options: ResyncOptions) =>
      withSyncCli(context, (cli) => resync(cli, cqrsId, options)),
    );
}

async function resync(cli: SyncCli, cqrsId: string, options: ResyncOptions): Promise<void> {
  const master = cli.master(cqrsId);
  const where =
    options.filter === undefined ? undefined : parseSyncFilter(options.filter, master.master.metadata);
  const queue = options.queue ?? null;
  const progress = Progress.of(options);
  const bar = progress.start('queue SYNC', 0);
  const queued = await new SyncSender(cli.registry).resync(cqrsId, {
    where,
    queue,
    batchSize: options.batch,
    onProgress: (done, total) => bar.update(done, total),
  });
  bar.stop();
  const isPublishing = options.publish && cli.hasBroker && queued > 0;
  let published: number | null = null;
  if (isPublishing) {
    const publishing = progress.start('publish', 0);
    published = await cli.publishOutbox((done, total) => publishing.update(done, total));
    publishing.stop();
  }
  const routingKey = queue === null ? broadcastRoutingKey(cqrsId) : directRoutingKey(queue, cqrsId);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ cqrsId, queue, routingKey, queued, published })}\n`);
    return;
  }
  const to = queue === null ? 'every replica' : `queue ${queue}`;
  process.stdout.write(
    `queued ${queued} SYNC message(s) of ${cqrsId} for ${to} (routing key ${routingKey})\n`,
  );
  if (published !== null) process.stdout.write(`published ${published} outbox row(s)\n`);
  else if (queued > 0)
    process.stdout.write(
      `left them in the outbox: the service's relay publishes them (${cli.hasBroker ? '--no-publish' : 'no AMQP_URL here'})\n`,
    );
}
