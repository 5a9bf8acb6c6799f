"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.isGitRepository = isGitRepository;
exports.uncommittedChanges = uncommittedChanges;
exports.projectFiles = projectFiles;
exports.git = git;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', 'dist', '.tools', 'coverage']);
function isGitRepository(root) {
    try {
        return git(root, ['rev-parse', '--show-toplevel']).trim().length > 0;
    }
    catch {
        return false;
    }
}
function uncommittedChanges(root) {
    return git(root, ['status', '--porcelain'])
        .split('\n')
        .filter((line) => line.trim().length > 0);
}
function projectFiles(root) {
    if (isGitRepository(root)) {
        return git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'])
            .split('\0')
            .filter((file) => file.length > 0)
            .sort();
    }
    const files = [];
    const walk = (dir) => {
        for (const entry of (0, node_fs_1.readdirSync)(dir, { withFileTypes: true })) {
            if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name))
                walk((0, node_path_1.join)(dir, entry.name));
            else if (entry.isFile())
                files.push((0, node_path_1.relative)(root, (0, node_path_1.join)(dir, entry.name)));
        }
    };
    walk(root);
    return files.sort();
}
function git(cwd, args) {
    return (0, node_child_process_1.execFileSync)('git', args, {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 << 20,
    });
}
