import { resolve } from 'node:path';
import { Command } from 'commander';
import { planFeature, writePlan } from '../generate/generate-feature';

/** `generate feature <name> [--sync-master] [--dry-run]`: a CRUD feature module in the shape of src/items/. */
export function registerGenerateCommand(program: Command): void {
  const generate = program.command('generate').description("scaffold code in the template's own style");
  generate
    .command('feature <name>')
    .description(
      'a feature module (controller, service, entity, DTOs), its migration for SQLite and PostgreSQL, a unit and an e2e test, registered in the app',
    )
    .option(
      '--sync-master',
      'also declare the entity a data-sync master (cqrs_id = the name in snake_case)',
      false,
    )
    .option('--dry-run', 'list the files it would write and write nothing', false)
    .option('--root <dir>', 'the project to add the feature to', '.')
    // A name like "-invoice" must get the one-line name error, not commander's usage screen.
    .allowUnknownOption()
    .action(async (name: string, options: { syncMaster: boolean; dryRun: boolean; root: string }) => {
      const root = resolve(options.root);
      const plan = await planFeature(root, name, { isSyncMaster: options.syncMaster });
      const verb = (isNew: boolean) =>
        options.dryRun ? (isNew ? 'would create' : 'would update') : isNew ? 'created' : 'updated';
      if (!options.dryRun) writePlan(root, plan);
      for (const file of plan.files) console.log(`${verb(file.isNew)} ${file.path}`);
      if (options.dryRun) {
        console.log(`dry run: ${plan.files.length} file(s), nothing written`);
        return;
      }
      const { kebabPlural, kebab, snake } = plan.names;
      console.log(
        [
          '',
          `feature ${kebab}: /api/${kebabPlural} (reads need a token; writes the role admin or ${kebabPlural}:write)` +
            (options.syncMaster ? `, data-sync master of cqrs_id ${snake}` : ''),
          'next steps:',
          '  npm run cli -- migrate                       # create the table (start:dev migrates on start too)',
          `  npx jest src/${kebabPlural} test/e2e/${kebabPlural}.e2e-spec.ts   # its unit and e2e tests`,
          `  then add your columns to src/${kebabPlural}/${kebab}.entity.ts and run npm run cli -- migrate:generate <what-changed>`,
        ].join('\n'),
      );
    });
}
