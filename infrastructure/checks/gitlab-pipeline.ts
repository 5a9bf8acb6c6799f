import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface GitlabJob {
  readonly name: string;
  readonly stage: string;
  readonly when: string;
  readonly allowFailure: boolean;
}

/** gitlab-ci-local's state and home: under node_modules, so a check leaves nothing in the tree. */
export const GITLAB_CI_LOCAL_STATE = 'node_modules/.cache/gitlab-ci-local';

/**
 * The jobs of a pipeline as GitLab would create them, from `gitlab-ci-local --list-csv`: the
 * file is validated against GitLab's schema, `extends`, rules and stages resolved. `variables`
 * stand in for the predefined ones (e.g. a default-branch push); `file` is relative to `root`.
 * Throws with gitlab-ci-local's message when the pipeline is invalid.
 */
export function listGitlabJobs(
  root: string,
  file = '.gitlab-ci.yml',
  variables: Readonly<Record<string, string>> = {},
): GitlabJob[] {
  const names = Object.keys(variables);
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'gitlab-ci-local', 'src', 'index.js'),
      '--list-csv',
      '--file',
      file,
      '--state-dir',
      GITLAB_CI_LOCAL_STATE,
      '--home',
      GITLAB_CI_LOCAL_STATE,
      ...(names.length ? ['--ignore-predefined-vars', names.join(',')] : []),
      ...names.flatMap((name) => ['--variable', `${name}=${variables[name]}`]),
    ],
    { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, FORCE_COLOR: '0' } },
  );
  if (result.status !== 0) {
    const message = `${result.stderr}\n${result.stdout}`
      .split('\n')
      .filter((line) => line.trim() && !/origin|remote|symbolic-ref|fallback/i.test(line))
      .slice(-3)
      .join(' | ');
    throw new Error(`gitlab-ci-local rejects ${file}: ${message || `exit ${result.status}`}`);
  }
  const [header, ...rows] = result.stdout.split('\n').filter((line) => /^[^;\s]+;/.test(line));
  if (header !== 'name;description;stage;when;allowFailure;needs')
    throw new Error(`gitlab-ci-local --list-csv printed an unexpected header: ${header}`);
  return rows.map((row) => {
    const [name, , stage, when, allowFailure] = row.split(';');
    return { name, stage, when, allowFailure: allowFailure === 'true' };
  });
}
