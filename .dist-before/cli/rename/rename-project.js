"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.planRename = planRename;
exports.planRewrite = planRewrite;
exports.applyChanges = applyChanges;
exports.unifiedDiff = unifiedDiff;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const cli_error_1 = require("../cli-error");
const project_files_1 = require("./project-files");
const rename_rules_1 = require("./rename-rules");
const template_names_1 = require("./template-names");
function planRename(root, name, options = {}) {
    const problem = (0, template_names_1.nameProblem)(name);
    if (problem)
        throw new cli_error_1.CliError(`name "${name}" ${problem} (it becomes Kubernetes names)`);
    if (!options.force)
        refuseUnsafeTree(root);
    return planRewrite(root, (0, template_names_1.readTemplateNames)(root), (0, template_names_1.namesFor)(name));
}
function planRewrite(root, from, to) {
    const changes = [];
    for (const path of (0, project_files_1.projectFiles)(root)) {
        const file = (0, node_path_1.join)(root, path);
        if (!(0, node_fs_1.existsSync)(file) || !(0, node_fs_1.lstatSync)(file).isFile())
            continue;
        const content = (0, node_fs_1.readFileSync)(file);
        if (content.includes(0))
            continue;
        const before = content.toString('utf8');
        const after = (0, rename_rules_1.renameText)(path, before, from, to);
        if (after !== before)
            changes.push({ path, before, after });
    }
    return changes;
}
function applyChanges(root, changes) {
    for (const change of changes)
        (0, node_fs_1.writeFileSync)((0, node_path_1.join)(root, change.path), change.after);
    formatChanged(root, changes);
}
function formatChanged(root, changes) {
    const prettier = (0, node_path_1.join)(root, 'node_modules', '.bin', 'prettier');
    if (changes.length === 0 || !(0, node_fs_1.existsSync)(prettier))
        return;
    (0, node_child_process_1.spawnSync)(prettier, ['--write', '--ignore-unknown', '--log-level', 'silent', ...changes.map((c) => c.path)], {
        cwd: root,
        stdio: 'ignore',
    });
}
function refuseUnsafeTree(root) {
    if (!(0, project_files_1.isGitRepository)(root)) {
        throw new cli_error_1.CliError(`${root} is not a git repository, so the rename could not be undone; use --force to rename anyway`);
    }
    const dirty = (0, project_files_1.uncommittedChanges)(root);
    if (dirty.length > 0) {
        throw new cli_error_1.CliError(`the git tree has ${dirty.length} uncommitted change(s) (${dirty[0].trim()}${dirty.length > 1 ? ', …' : ''}); commit or stash them, or use --force`);
    }
}
function unifiedDiff(changes) {
    if (changes.length === 0)
        return '';
    const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'rename-diff-'));
    try {
        for (const change of changes) {
            for (const [side, text] of [
                ['a', change.before],
                ['b', change.after],
            ]) {
                const file = (0, node_path_1.join)(dir, side, change.path);
                (0, node_fs_1.mkdirSync)((0, node_path_1.dirname)(file), { recursive: true });
                (0, node_fs_1.writeFileSync)(file, text);
            }
        }
        const result = (0, node_child_process_1.spawnSync)('git', ['diff', '--no-index', '--no-color', '--no-prefix', '--', 'a', 'b'], {
            cwd: dir,
            encoding: 'utf8',
            maxBuffer: 64 << 20,
        });
        if (result.status !== 1)
            throw new cli_error_1.CliError(`git diff failed: ${result.stderr.split('\n')[0]}`);
        return result.stdout;
    }
    finally {
        (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
    }
}
