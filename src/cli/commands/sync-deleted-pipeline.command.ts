import { Command } from 'commander';
import { InstancePk } from '../../sync/cqrs-message';
import { MasterRows } from '../../sync/master-rows';
import { deleteReplicaRows } from '../../sync/replica-deletes';
import {
  absentOnMasterLines,
  parseDiffHeader,
  parsePkPackage,
  pythonListRepr,
  replicaPkLines,
} from '../../sync/sync-diff-stream';
import { CliError } from '../cli-error';
import {
  SyncCommandContext,
  syncCommand,
  wholeNumber,
  readLines,
  withSyncCli,
  writeLine,
} from './sync-options';

/**
 * django-cqrs's pipe for rows the master deleted and a replica kept (spec §7):
 *   replica$ npm run cli -- sync:deleted-diff-replica item > pks.txt
 *   master$  npm run cli -- sync:deleted-diff-master < pks.txt > gone.txt
 *   replica$ npm run cli -- sync:deleted-sync-replica < gone.txt
 */
export function registerSyncDeletedPipelineCommands(program: Command, context: SyncCommandContext): void {
  syncCommand(program, 'sync:deleted-diff-replica')
    .description(
      'replica side (cqrs_deleted_diff_replica): line 1 "<cqrs_id>,<now>", then every replica pk, one [pk, …] per batch',
    )
    .argument('<cqrs_id>', 'the entity this service replicates, e.g. user')
    .option('--batch <n>', 'pks per line', wholeNumber(1, 1_000_000), 10_000)
    .action((cqrsId: string, options: { batch: number }) =>
      withSyncCli(context, async (cli) => {
        const reader = cli.replicaReader(cqrsId);
        const first = await reader.page(cqrsId, null, 1);
        if (first.rows.length === 0) {
          process.stderr.write('No objects found for filter!\n');
          return;
        }
        for await (const line of replicaPkLines(cqrsId, reader, options.batch, new Date()))
          await writeLine(line);
      }),
    );

  syncCommand(program, 'sync:deleted-diff-master')
    .description(
      "master side (cqrs_deleted_diff_master): reads a replica's pks on stdin, writes line 1 again, then the [pk, …] this master no longer has",
    )
    .action(() =>
      withSyncCli(context, async (cli) => {
        const lines = readLines();
        const header = (await lines.next()).value as string | undefined;
        const { cqrsId } = parseDiffHeader(header);
        const master = cli.master(cqrsId);
        await writeLine((header ?? '').trim());
        const rows = new MasterRows(master.master, cli.transactions);
        const onAbsent = (pks: readonly InstancePk[]) =>
          process.stderr.write(`PK to delete: ${pythonListRepr(pks)}\n`);
        for await (const line of absentOnMasterLines({ [Symbol.asyncIterator]: () => lines }, rows, onAbsent))
          await writeLine(line);
      }),
    );

  syncCommand(program, 'sync:deleted-sync-replica')
    .description(
      "replica side again (cqrs_deleted_sync_replica): deletes the rows listed on stdin, each with a tombstone; the app's replica hooks do not run",
    )
    .action(() =>
      withSyncCli(context, async (cli) => {
        const lines = readLines();
        const { cqrsId } = parseDiffHeader((await lines.next()).value as string | undefined);
        cli.replicaReader(cqrsId); // an unknown cqrs_id fails with its one line
        const definition = cli.registry.replica(cqrsId);
        if (!definition) throw new CliError(`this service has no replica of cqrs_id "${cqrsId}"`);
        let deleted = 0;
        for await (const line of { [Symbol.asyncIterator]: () => lines }) {
          if (line.trim() === '') continue;
          deleted += await deleteReplicaRows(cli.transactions, definition, parsePkPackage(line));
        }
        process.stdout.write(`deleted ${deleted} row(s) of ${cqrsId}, each with a tombstone\n`);
      }),
    );
}
