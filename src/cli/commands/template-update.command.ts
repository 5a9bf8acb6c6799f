import { resolve } from 'node:path';
import { Command } from 'commander';
import { updateFromTemplate } from '../rename/template-update';

/** `template:update [--url <repo>]`: merge the template's later commits, renamed to this service's name. */
export function registerTemplateUpdateCommand(program: Command): void {
  program
    .command('template:update')
    .description(
      "merge the template's later changes, with the rename reapplied so only real changes conflict",
    )
    .option('--url <repository>', 'the template repository (adds the git remote on the first run)')
    .option('--remote <name>', 'the git remote of the template', 'template')
    .option('--branch <name>', "the template's branch", 'main')
    .option('--root <dir>', 'the service repository', '.')
    .action((options: { url?: string; remote: string; branch: string; root: string }) => {
      const result = updateFromTemplate(resolve(options.root), options);
      const commit = result.target.slice(0, 12);
      if (result.outcome === 'up-to-date') {
        console.log(`already up to date with the template (${commit})`);
      } else if (result.outcome === 'merged') {
        console.log(
          `merged template ${commit}: ${result.files.length} file(s) changed; run npm install and npm test`,
        );
      } else {
        console.log(
          `template ${commit} merged with conflicts in:\n${result.files.map((f) => `  ${f}`).join('\n')}`,
        );
        console.log(
          'resolve them, git add the files, then git commit (the merge records the template commit)',
        );
        process.exitCode = 1;
      }
    });
}
