import { resolve } from 'node:path';
import { Command } from 'commander';
import { applyChanges, planRename, unifiedDiff } from '../rename/rename-project';

/** `rename <name> [--dry-run] [--force]`: every name derived from the service's name, in one pass. */
export function registerRenameCommand(program: Command): void {
  program
    .command('rename <name>')
    .description(
      'rename the service: package, SERVICE_NAME, database, Kubernetes and Helm names, CI defaults, docs',
    )
    .option('--dry-run', 'print the changes as a unified diff and write nothing', false)
    .option('--force', 'rename even with uncommitted changes (or outside git)', false)
    .option('--root <dir>', 'the project to rename', '.')
    // A name like "-billing" must get the one-line name error, not commander's usage screen.
    .allowUnknownOption()
    .action((name: string, options: { dryRun: boolean; force: boolean; root: string }) => {
      const root = resolve(options.root);
      const changes = planRename(root, name, { force: options.force });
      if (options.dryRun) {
        process.stdout.write(unifiedDiff(changes));
        console.log(`dry run: ${changes.length} file(s) would change`);
        return;
      }
      applyChanges(root, changes);
      for (const change of changes) console.log(`rewrote ${change.path}`);
      console.log(
        changes.length === 0
          ? `nothing to change: the service is already named ${name}`
          : `renamed to ${name} in ${changes.length} file(s); review with git diff, then run npm install`,
      );
    });
}
