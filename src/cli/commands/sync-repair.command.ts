import { Command } from 'commander';
import { directRoutingKey } from '../../sync/sync.constants';
import { differenceCount } from '../../sync/sync-diff.service';
import { SyncRepair } from '../../sync/sync-repair.service';
import { SyncSender } from '../../sync/sync-sender.service';
import { compare, toJson } from './sync-diff.command';
import { SyncCommandContext, syncCommand, wholeNumber, withSyncCli } from './sync-options';
import { Progress } from './sync-progress';
import { addReplicaSourceOptions, ReplicaSourceOptions } from './sync-replica-source';

interface RepairOptions extends ReplicaSourceOptions {
  readonly batch: number;
  readonly publish: boolean;
  readonly progress: boolean;
  readonly json?: boolean;
}

/** `sync:repair <cqrs_id> --replica <queue>`: re-sends only what `sync:diff` finds, to that replica. */
export function registerSyncRepairCommand(program: Command, context: SyncCommandContext): void {
  addReplicaSourceOptions(
    syncCommand(program, 'sync:repair')
      .description(
        'diff this master against one replica, then send that replica only what differs: SYNC for missing rows and other revisions, DELETE for rows the master no longer has',
      )
      .argument('<cqrs_id>', 'the entity this service masters, e.g. item'),
  )
    .option('--batch <n>', 'rows per transaction', wholeNumber(1, 100_000), 1000)
    .option('--no-publish', "only queue them in the outbox, for the running service's relay to publish")
    .option('--no-progress', 'no progress bars on stderr (there are none when stderr is not a terminal)')
    .option('--json', 'print the diff counts and what was sent as one JSON object')
    .addHelpText(
      'after',
      '\nEverything goes to cqrs.<queue>.<cqrs_id>, so other replicas see nothing. Run sync:diff again\n' +
        'once the replica has applied it (a second or so) to see 0 differences.\n\n' +
        'Example:\n  npm run cli -- sync:repair item --replica billing',
    )
    .action((cqrsId: string, options: RepairOptions) =>
      withSyncCli(context, async (cli) => {
        const report = await compare(cli, cqrsId, options);
        const progress = Progress.of(options);
        const bar = progress.start('queue repair', differenceCount(report));
        const result = await new SyncRepair(cli.registry, new SyncSender(cli.registry)).repair(
          report,
          options.replica,
          { batchSize: options.batch, onProgress: (done, total) => bar.update(done, total) },
        );
        bar.stop();
        const queued = result.synced + result.deleted;
        let published: number | null = null;
        if (options.publish && cli.hasBroker && queued > 0) {
          const publishing = progress.start('publish', 0);
          published = await cli.publishOutbox((done, total) => publishing.update(done, total));
          publishing.stop();
        }
        const routingKey = directRoutingKey(options.replica, cqrsId);
        if (options.json) {
          const diff = toJson(report);
          process.stdout.write(
            `${JSON.stringify({ cqrsId, replica: options.replica, routingKey, counts: diff.counts, ...result, published })}\n`,
          );
          return;
        }
        const lines = [
          `${cqrsId}: ${differenceCount(report)} difference(s) with ${report.replica} ` +
            `(${report.missing.length} missing there, ${report.extra.length} extra there, ${report.revisionDiffers.length} at another revision)`,
          `queued ${result.synced} SYNC and ${result.deleted} DELETE message(s) for ${routingKey}`,
        ];
        if (result.blocked.length > 0)
          lines.push(
            `not re-sent: ${result.blocked.length} row(s) the replica deleted at a revision at or above the master's (${result.blocked.slice(0, 5).join(', ')}${result.blocked.length > 5 ? ', ...' : ''}); change them on the master to send a newer revision`,
          );
        if (result.reappeared.length > 0)
          lines.push(`not deleted: ${result.reappeared.length} row(s) the master has again since the diff`);
        if (published !== null) lines.push(`published ${published} outbox row(s)`);
        else if (queued > 0)
          lines.push(
            `left them in the outbox: the service's relay publishes them (${cli.hasBroker ? '--no-publish' : 'no AMQP_URL here'})`,
          );
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
