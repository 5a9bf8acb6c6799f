import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from './spawn-service';

/** git with a fixed identity, so commits work on machines without git config. */
export function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

/** node_modules of this checkout linked into `dir` (and kept out of git), as `npm install` would. */
export function linkNodeModules(dir: string): void {
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, '.git', 'info', 'exclude'), 'node_modules\n');
}

/** This repository's files (tracked and new, not ignored) in a fresh git repository, one commit on main. */
export function copyRepository(prefix: string): string {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  const files = git(PROJECT_ROOT, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    .split('\0')
    // A worktree's node_modules may be a symlink, which `.gitignore`'s `node_modules/` does not match.
    .filter((file) => file.length > 0 && file !== 'node_modules' && existsSync(join(PROJECT_ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(PROJECT_ROOT, file), join(copy, file));
  }
  git(copy, ['init', '-q', '-b', 'main']);
  linkNodeModules(copy);
  git(copy, ['add', '-A']);
  git(copy, ['commit', '-q', '-m', 'template']);
  return copy;
}

/** `npm run cli -- …` in `cwd`, as a user runs it there. */
export function cliIn(cwd: string, args: readonly string[]) {
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', 'src/cli/cli.ts', ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOCAL_ENV_FILE: 'none' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
