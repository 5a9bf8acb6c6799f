"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerRenameCommand = registerRenameCommand;
const node_path_1 = require("node:path");
const rename_project_1 = require("../rename/rename-project");
function registerRenameCommand(program) {
    program
        .command('rename <name>')
        .description('rename the service: package, SERVICE_NAME, database, Kubernetes and Helm names, CI defaults, docs')
        .option('--dry-run', 'print the changes as a unified diff and write nothing', false)
        .option('--force', 'rename even with uncommitted changes (or outside git)', false)
        .option('--root <dir>', 'the project to rename', '.')
        .allowUnknownOption()
        .action((name, options) => {
        const root = (0, node_path_1.resolve)(options.root);
        const changes = (0, rename_project_1.planRename)(root, name, { force: options.force });
        if (options.dryRun) {
            process.stdout.write((0, rename_project_1.unifiedDiff)(changes));
            console.log(`dry run: ${changes.length} file(s) would change`);
            return;
        }
        (0, rename_project_1.applyChanges)(root, changes);
        for (const change of changes)
            console.log(`rewrote ${change.path}`);
        console.log(changes.length === 0
            ? `nothing to change: the service is already named ${name}`
            : `renamed to ${name} in ${changes.length} file(s); review with git diff, then run npm install`);
    });
}
