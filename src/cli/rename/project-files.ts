import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', 'dist', '.tools', 'coverage']);

export function isGitRepository(root: string): boolean {
  try {
    return git(root, ['rev-parse', '--show-toplevel']).trim().length > 0;
  } catch {
    return false;
  }
}

/** Uncommitted changes, as `git status --porcelain` lists them (empty when clean). */
export function uncommittedChanges(root: string): string[] {
  return git(root, ['status', '--porcelain'])
    .split('\n')
    .filter((line) => line.trim().length > 0);
}

/** Tracked and not-ignored files, relative to root; outside git, every file but build output. */
export function projectFiles(root: string): string[] {
  if (isGitRepository(root)) {
    return git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'])
      .split('\0')
      .filter((file) => file.length > 0)
      .sort();
  }
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name)) walk(join(dir, entry.name));
      else if (entry.isFile()) files.push(relative(root, join(dir, entry.name)));
    }
  };
  walk(root);
  return files.sort();
}

export function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
}
