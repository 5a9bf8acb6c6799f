"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.updateFromTemplate = updateFromTemplate;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const cli_error_1 = require("../cli-error");
const project_files_1 = require("./project-files");
const rename_project_1 = require("./rename-project");
const template_names_1 = require("./template-names");
const IDENTITY = {
    GIT_AUTHOR_NAME: 'template update',
    GIT_AUTHOR_EMAIL: 'template-update@localhost',
    GIT_COMMITTER_NAME: 'template update',
    GIT_COMMITTER_EMAIL: 'template-update@localhost',
};
function updateFromTemplate(root, options) {
    const dirty = (0, project_files_1.uncommittedChanges)(root);
    if (dirty.length > 0)
        throw new cli_error_1.CliError(`commit or stash your ${dirty.length} uncommitted change(s) first`);
    ensureRemote(root, options);
    run(root, ['fetch', '--quiet', options.remote, options.branch]);
    const target = run(root, ['rev-parse', 'FETCH_HEAD']).trim();
    const base = mergeBase(root, target);
    if (base === target)
        return { outcome: 'up-to-date', target };
    const names = (0, template_names_1.readTemplateNames)(root);
    const renamedBase = renamedCommit(root, base, names);
    const renamedTarget = renamedCommit(root, target, names);
    const merge = (0, node_child_process_1.spawnSync)('git', ['merge-recursive', renamedBase, '--', 'HEAD', renamedTarget], {
        cwd: root,
        encoding: 'utf8',
    });
    if (merge.status !== 0 && merge.status !== 1) {
        throw new cli_error_1.CliError(`git merge failed: ${(merge.stderr || merge.stdout).trim().split('\n')[0]}`);
    }
    const message = `Merge template ${options.remote}/${options.branch} (${target.slice(0, 12)}), renamed to ${names.name}\n`;
    (0, node_fs_1.writeFileSync)(run(root, ['rev-parse', '--git-path', 'MERGE_HEAD']).trim(), `${target}\n`);
    (0, node_fs_1.writeFileSync)(run(root, ['rev-parse', '--git-path', 'MERGE_MSG']).trim(), message);
    const files = run(root, ['diff', '--name-only', '--cached', 'HEAD']).split('\n').filter(Boolean);
    if (merge.status === 1) {
        const conflicted = run(root, ['diff', '--name-only', '--diff-filter=U']).split('\n').filter(Boolean);
        return { outcome: 'conflicts', target, files: conflicted };
    }
    run(root, ['commit', '--quiet', '--no-verify', '--no-edit'], withIdentity(root));
    return { outcome: 'merged', target, files };
}
function ensureRemote(root, options) {
    const remotes = run(root, ['remote']).split('\n');
    if (remotes.includes(options.remote))
        return;
    if (!options.url) {
        throw new cli_error_1.CliError(`no git remote "${options.remote}": run once with --url <the template's repository> to add it`);
    }
    run(root, ['remote', 'add', options.remote, options.url]);
}
function mergeBase(root, target) {
    const result = (0, node_child_process_1.spawnSync)('git', ['merge-base', 'HEAD', target], { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) {
        throw new cli_error_1.CliError('this repository shares no history with the template (was it cloned from it?)');
    }
    return result.stdout.trim();
}
function renamedCommit(root, commit, names) {
    const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'template-update-'));
    const worktree = (0, node_path_1.join)(dir, 'tree');
    run(root, ['worktree', 'add', '--quiet', '--detach', worktree, commit]);
    try {
        const modules = (0, node_path_1.join)(worktree, 'node_modules');
        if ((0, node_fs_1.existsSync)((0, node_path_1.join)(root, 'node_modules')) && !(0, node_fs_1.existsSync)(modules)) {
            (0, node_fs_1.symlinkSync)((0, node_path_1.join)(root, 'node_modules'), modules);
        }
        (0, rename_project_1.applyChanges)(worktree, (0, rename_project_1.planRewrite)(worktree, (0, template_names_1.readTemplateNames)(worktree), names));
        run(worktree, ['add', '--update']);
        const tree = run(worktree, ['write-tree']).trim();
        return run(worktree, ['commit-tree', tree, '-p', commit, '-m', `template ${commit.slice(0, 12)} renamed`], {
            ...process.env,
            ...IDENTITY,
        }).trim();
    }
    finally {
        run(root, ['worktree', 'remove', '--force', worktree]);
        (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
    }
}
function withIdentity(root) {
    const configured = (0, node_child_process_1.spawnSync)('git', ['config', 'user.email'], { cwd: root, encoding: 'utf8' }).status === 0;
    return configured ? process.env : { ...process.env, ...IDENTITY };
}
function run(cwd, args, env) {
    const result = (0, node_child_process_1.spawnSync)('git', args, {
        cwd,
        encoding: 'utf8',
        env: env ?? process.env,
        maxBuffer: 64 << 20,
    });
    if (result.status !== 0) {
        throw new cli_error_1.CliError(`git ${args[0]} failed: ${(result.stderr || result.stdout).trim().split('\n')[0]}`);
    }
    return result.stdout;
}
