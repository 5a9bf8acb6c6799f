import { spawnSync } from 'node:child_process';
import { lstatSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from '../cli-error';
import { isGitRepository, projectFiles, uncommittedChanges } from './project-files';
import { renameText } from './rename-rules';
import { TemplateNames, nameProblem, namesFor, readTemplateNames } from './template-names';

export interface FileChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

export interface RenameOptions {
  readonly force?: boolean;
}

/** The rewrites that renaming the project at `root` to `name` makes; nothing is written. */
export function planRename(root: string, name: string, options: RenameOptions = {}): FileChange[] {
  const problem = nameProblem(name);
  if (problem) throw new CliError(`name "${name}" ${problem} (it becomes Kubernetes names)`);
  if (!options.force) refuseUnsafeTree(root);
  return planRewrite(root, readTemplateNames(root), namesFor(name));
}

export function planRewrite(root: string, from: TemplateNames, to: TemplateNames): FileChange[] {
  const changes: FileChange[] = [];
  for (const path of projectFiles(root)) {
    const file = join(root, path);
    // Deleted-but-tracked files, symbolic links (a linked node_modules) and directories are not text.
    if (!existsSync(file) || !lstatSync(file).isFile()) continue;
    const content = readFileSync(file);
    if (content.includes(0)) continue;
    const before = content.toString('utf8');
    const after = renameText(path, before, from, to);
    if (after !== before) changes.push({ path, before, after });
  }
  return changes;
}

export function applyChanges(root: string, changes: readonly FileChange[]): void {
  for (const change of changes) writeFileSync(join(root, change.path), change.after);
  formatChanged(root, changes);
}

/** Names of other lengths shift Markdown tables and aligned comments; prettier puts them back. */
function formatChanged(root: string, changes: readonly FileChange[]): void {
  const prettier = join(root, 'node_modules', '.bin', 'prettier');
  if (changes.length === 0 || !existsSync(prettier)) return;
  spawnSync(
    prettier,
    ['--write', '--ignore-unknown', '--log-level', 'silent', ...changes.map((c) => c.path)],
    {
      cwd: root,
      stdio: 'ignore',
    },
  );
}

function refuseUnsafeTree(root: string): void {
  if (!isGitRepository(root)) {
    throw new CliError(
      `${root} is not a git repository, so the rename could not be undone; use --force to rename anyway`,
    );
  }
  const dirty = uncommittedChanges(root);
  if (dirty.length > 0) {
    throw new CliError(
      `the git tree has ${dirty.length} uncommitted change(s) (${dirty[0].trim()}${dirty.length > 1 ? ', …' : ''}); commit or stash them, or use --force`,
    );
  }
}

/** A unified diff of the changes, as `git diff` prints it. */
export function unifiedDiff(changes: readonly FileChange[]): string {
  if (changes.length === 0) return '';
  const dir = mkdtempSync(join(tmpdir(), 'rename-diff-'));
  try {
    for (const change of changes) {
      for (const [side, text] of [
        ['a', change.before],
        ['b', change.after],
      ] as const) {
        const file = join(dir, side, change.path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
    }
    // --no-index exits 1 when the trees differ, which they do.
    const result = spawnSync('git', ['diff', '--no-index', '--no-color', '--no-prefix', '--', 'a', 'b'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (result.status !== 1) throw new CliError(`git diff failed: ${result.stderr.split('\n')[0]}`);
    return result.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
