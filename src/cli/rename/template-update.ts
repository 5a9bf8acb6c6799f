import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../cli-error';
import { uncommittedChanges } from './project-files';
import { applyChanges, planRewrite } from './rename-project';
import { TemplateNames, readTemplateNames } from './template-names';

export interface TemplateUpdateOptions {
  readonly remote: string;
  readonly branch: string;
  /** Adds the remote when it does not exist yet. */
  readonly url?: string;
}

export type TemplateUpdateResult =
  | { readonly outcome: 'up-to-date'; readonly target: string }
  | { readonly outcome: 'merged' | 'conflicts'; readonly target: string; readonly files: readonly string[] };

// Commits made here need an identity even on a machine without git config.
const IDENTITY = {
  GIT_AUTHOR_NAME: 'template update',
  GIT_AUTHOR_EMAIL: 'template-update@localhost',
  GIT_COMMITTER_NAME: 'template update',
  GIT_COMMITTER_EMAIL: 'template-update@localhost',
};

/**
 * Merges the template's later commits into a renamed service. Both the last merged template
 * commit and the new one are renamed first, and the service is merged against those, so the
 * rename itself never conflicts: only lines both the team and the template changed do.
 * The merge is recorded with the template commit as a parent, so the next update starts there.
 */
export function updateFromTemplate(root: string, options: TemplateUpdateOptions): TemplateUpdateResult {
  const dirty = uncommittedChanges(root);
  if (dirty.length > 0)
    throw new CliError(`commit or stash your ${dirty.length} uncommitted change(s) first`);
  ensureRemote(root, options);
  run(root, ['fetch', '--quiet', options.remote, options.branch]);
  const target = run(root, ['rev-parse', 'FETCH_HEAD']).trim();
  const base = mergeBase(root, target);
  if (base === target) return { outcome: 'up-to-date', target };

  const names = readTemplateNames(root);
  const renamedBase = renamedCommit(root, base, names);
  const renamedTarget = renamedCommit(root, target, names);
  const merge = spawnSync('git', ['merge-recursive', renamedBase, '--', 'HEAD', renamedTarget], {
    cwd: root,
    encoding: 'utf8',
  });
  if (merge.status !== 0 && merge.status !== 1) {
    throw new CliError(`git merge failed: ${(merge.stderr || merge.stdout).trim().split('\n')[0]}`);
  }
  const message = `Merge template ${options.remote}/${options.branch} (${target.slice(0, 12)}), renamed to ${names.name}\n`;
  writeFileSync(run(root, ['rev-parse', '--git-path', 'MERGE_HEAD']).trim(), `${target}\n`);
  writeFileSync(run(root, ['rev-parse', '--git-path', 'MERGE_MSG']).trim(), message);
  const files = run(root, ['diff', '--name-only', '--cached', 'HEAD']).split('\n').filter(Boolean);
  if (merge.status === 1) {
    const conflicted = run(root, ['diff', '--name-only', '--diff-filter=U']).split('\n').filter(Boolean);
    return { outcome: 'conflicts', target, files: conflicted };
  }
  run(root, ['commit', '--quiet', '--no-verify', '--no-edit'], withIdentity(root));
  return { outcome: 'merged', target, files };
}

function ensureRemote(root: string, options: TemplateUpdateOptions): void {
  const remotes = run(root, ['remote']).split('\n');
  if (remotes.includes(options.remote)) return;
  if (!options.url) {
    throw new CliError(
      `no git remote "${options.remote}": run once with --url <the template's repository> to add it`,
    );
  }
  run(root, ['remote', 'add', options.remote, options.url]);
}

function mergeBase(root: string, target: string): string {
  const result = spawnSync('git', ['merge-base', 'HEAD', target], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new CliError('this repository shares no history with the template (was it cloned from it?)');
  }
  return result.stdout.trim();
}

/** A commit whose tree is `commit` renamed to `names`, the way `npm run rename` renamed this one. */
function renamedCommit(root: string, commit: string, names: TemplateNames): string {
  const dir = mkdtempSync(join(tmpdir(), 'template-update-'));
  const worktree = join(dir, 'tree');
  run(root, ['worktree', 'add', '--quiet', '--detach', worktree, commit]);
  try {
    // The same formatting as the rename gave this service: prettier from its node_modules.
    const modules = join(worktree, 'node_modules');
    if (existsSync(join(root, 'node_modules')) && !existsSync(modules)) {
      symlinkSync(join(root, 'node_modules'), modules);
    }
    applyChanges(worktree, planRewrite(worktree, readTemplateNames(worktree), names));
    run(worktree, ['add', '--update']);
    const tree = run(worktree, ['write-tree']).trim();
    return run(
      worktree,
      ['commit-tree', tree, '-p', commit, '-m', `template ${commit.slice(0, 12)} renamed`],
      {
        ...process.env,
        ...IDENTITY,
      },
    ).trim();
  } finally {
    run(root, ['worktree', 'remove', '--force', worktree]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function withIdentity(root: string): NodeJS.ProcessEnv {
  const configured = spawnSync('git', ['config', 'user.email'], { cwd: root, encoding: 'utf8' }).status === 0;
  return configured ? process.env : { ...process.env, ...IDENTITY };
}

function run(cwd: string, args: readonly string[], env?: NodeJS.ProcessEnv): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: env ?? process.env,
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) {
    throw new CliError(`git ${args[0]} failed: ${(result.stderr || result.stdout).trim().split('\n')[0]}`);
  }
  return result.stdout;
}
