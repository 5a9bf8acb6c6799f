import { Command } from 'commander';
import { In } from 'typeorm';
import { InstancePk } from '../../sync/cqrs-message';
import { MasterRows } from '../../sync/master-rows';
import {
  masterDiffLines,
  parseDiffHeader,
  parsePkPackage,
  pythonSetRepr,
  replicaDiffHeader,
  replicaDiffLines,
} from '../../sync/sync-diff-stream';
import { parseSyncFilter } from '../../sync/sync-filter';
import { SyncSender } from '../../sync/sync-sender.service';
import {
  SyncCommandContext,
  syncCommand,
  wholeNumber,
  readLines,
  withSyncCli,
  writeLine,
} from './sync-options';

/**
 * django-cqrs's diff pipeline with its exact line formats (spec §7), so this service can sit on
 * either end of a pipe with Django peers:
 *   master$ npm run cli -- sync:diff-master item > diff.txt
 *   replica$ npm run cli -- sync:diff-replica < diff.txt > resync.txt
 *   master$ npm run cli -- sync:diff-sync < resync.txt
 */
export function registerSyncPipelineCommands(program: Command, context: SyncCommandContext): void {
  syncCommand(program, 'sync:diff-master')
    .description(
      'master side of the django-cqrs diff pipe (cqrs_diff_master): line 1 "<cqrs_id>,<now>", then one [[pk, revision], …] per batch',
    )
    .argument('<cqrs_id>', 'the entity this service masters, e.g. item')
    .option('--filter <json>', 'Django lookups of the rows to compare, e.g. {"id__in":[1,2]}')
    .option('--batch <n>', 'pairs per line', wholeNumber(1, 1_000_000), 10_000)
    .addHelpText(
      'after',
      '\nExample (a Django replica at the other end):\n  npm run cli -- sync:diff-master item | ssh replica ./manage.py cqrs_diff_replica',
    )
    .action((cqrsId: string, options: { filter?: string; batch: number }) =>
      withSyncCli(context, async (cli) => {
        const master = cli.master(cqrsId);
        const where =
          options.filter === undefined ? undefined : parseSyncFilter(options.filter, master.master.metadata);
        const rows = new MasterRows(master.master, cli.transactions);
        if ((await rows.count(where)) === 0) {
          process.stderr.write('No objects found for filter!\n');
          return;
        }
        for await (const line of masterDiffLines(master.master, rows, where, options.batch, new Date()))
          await writeLine(line);
      }),
    );

  syncCommand(program, 'sync:diff-replica')
    .description(
      'replica side (cqrs_diff_replica): reads a master\'s diff on stdin, writes line 1 + ",<queue>", then the [pk, …] lists to re-send',
    )
    .addHelpText(
      'after',
      '\nExample:\n  ssh master ./manage.py cqrs_diff_master --cqrs-id item | npm run cli -- sync:diff-replica',
    )
    .action(() =>
      withSyncCli(context, async (cli) => {
        const lines = readLines();
        const header = (await lines.next()).value as string | undefined;
        const { cqrsId } = parseDiffHeader(header);
        const reader = cli.replicaReader(cqrsId);
        await writeLine(replicaDiffHeader(header ?? '', cli.settings.bus.queue));
        const rest = { [Symbol.asyncIterator]: () => lines };
        const onDiffering = (pks: readonly InstancePk[]) =>
          process.stderr.write(`PK to resync: ${pythonSetRepr(pks)}\n`);
        for await (const line of replicaDiffLines(rest, cqrsId, reader, onDiffering)) await writeLine(line);
      }),
    );

  syncCommand(program, 'sync:diff-sync')
    .description(
      "master side again (cqrs_diff_sync): reads the replica's lists on stdin and sends those rows as SYNC to its queue (None: every replica)",
    )
    .option('--batch <n>', 'rows per transaction', wholeNumber(1, 100_000), 1000)
    .option('--no-publish', "only queue them in the outbox, for the running service's relay to publish")
    .addHelpText(
      'after',
      '\nExample:\n  ssh replica ./manage.py cqrs_diff_replica < diff.txt | npm run cli -- sync:diff-sync',
    )
    .action((options: { batch: number; publish: boolean }) =>
      withSyncCli(context, async (cli) => {
        const lines = readLines();
        const { cqrsId, queue } = parseDiffHeader((await lines.next()).value as string | undefined);
        const master = cli.master(cqrsId);
        const sender = new SyncSender(cli.registry);
        let queued = 0;
        for await (const line of { [Symbol.asyncIterator]: () => lines }) {
          if (line.trim() === '') continue;
          const pks = parsePkPackage(line);
          if (pks.length === 0) continue;
          queued += await sender.resync(cqrsId, {
            where: { [master.master.pkProperty]: In(pks) },
            queue,
            batchSize: options.batch,
          });
        }
        const published = options.publish && cli.hasBroker && queued > 0 ? await cli.publishOutbox() : null;
        const to = queue === null ? 'every replica' : `queue ${queue}`;
        process.stdout.write(
          `queued ${queued} SYNC message(s) of ${cqrsId} for ${to}${published === null ? '' : `; published ${published} outbox row(s)`}\n`,
        );
      }),
    );
}
