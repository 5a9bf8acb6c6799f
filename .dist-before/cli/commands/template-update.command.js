"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerTemplateUpdateCommand = registerTemplateUpdateCommand;
const node_path_1 = require("node:path");
const template_update_1 = require("../rename/template-update");
function registerTemplateUpdateCommand(program) {
    program
        .command('template:update')
        .description("merge the template's later changes, with the rename reapplied so only real changes conflict")
        .option('--url <repository>', 'the template repository (adds the git remote on the first run)')
        .option('--remote <name>', 'the git remote of the template', 'template')
        .option('--branch <name>', "the template's branch", 'main')
        .option('--root <dir>', 'the service repository', '.')
        .action((options) => {
        const result = (0, template_update_1.updateFromTemplate)((0, node_path_1.resolve)(options.root), options);
        const commit = result.target.slice(0, 12);
        if (result.outcome === 'up-to-date') {
            console.log(`already up to date with the template (${commit})`);
        }
        else if (result.outcome === 'merged') {
            console.log(`merged template ${commit}: ${result.files.length} file(s) changed; run npm install and npm test`);
        }
        else {
            console.log(`template ${commit} merged with conflicts in:\n${result.files.map((f) => `  ${f}`).join('\n')}`);
            console.log('resolve them, git add the files, then git commit (the merge records the template commit)');
            process.exitCode = 1;
        }
    });
}
