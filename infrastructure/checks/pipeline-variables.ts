import { parse } from 'yaml';
import { isRecord } from './kubernetes-schema';
import { GITLAB_PIPELINE, gitlabJobs, PipelineFiles } from './pipelines';
import { Problem } from './problem';

export const CI_SECTION = 'Continuous Integration/Deployment';

/** The variable names (first column, in backticks) of the first table under the README's CI/CD heading. */
export function readmeVariables(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${CI_SECTION}`);
  if (start < 0) throw new Error(`README.md has no "## ${CI_SECTION}" section`);
  const names: string[] = [];
  for (let index = start + 1; index < lines.length && !/^## /.test(lines[index]); index++) {
    const line = lines[index].trim();
    if (!line.startsWith('|')) {
      if (names.length > 0) break;
      continue;
    }
    const name = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/.exec(line)?.[1];
    if (name) names.push(name);
  }
  return names;
}

/** What a workflow reads from the repository's settings: `secrets.NAME` and `vars.NAME`. */
export function githubVariables(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/\$\{\{[^}]*\}\}/g)) {
    for (const reference of match[0].matchAll(/\b(?:secrets|vars)\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
      // GITHUB_TOKEN is the runner's, never a setting.
      if (reference[1] !== 'GITHUB_TOKEN') names.add(reference[1]);
    }
  }
  return names;
}

/** GitLab's own variables (predefined, runner and Docker-in-Docker settings), never a project's. */
function isPredefinedGitlab(name: string): boolean {
  return /^(CI|GITLAB|FF|DOCKER_TLS|DOCKER_HOST|RUNNER)_/.test(name) || name === 'CI';
}

/**
 * What the pipeline reads from the project's CI/CD settings: every `$NAME` it expands that the
 * file does not define itself (in `variables:` or by assignment in a script) and GitLab does not
 * predefine. Lower-case names are shell locals.
 */
export function gitlabVariables(text: string): Set<string> {
  const pipeline = parse(text) as unknown;
  const defined = new Set<string>();
  const collectDefined = (variables: unknown) => {
    if (isRecord(variables)) Object.keys(variables).forEach((name) => defined.add(name));
  };
  if (isRecord(pipeline)) collectDefined(pipeline.variables);
  for (const job of gitlabJobs(text).values()) collectDefined(job.variables);
  for (const match of text.matchAll(/(?:^|[\s;])(?:export\s+)?([A-Z][A-Z0-9_]*)=/gm)) defined.add(match[1]);
  const used = new Set<string>();
  for (const match of text.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)) {
    if (!defined.has(match[1]) && !isPredefinedGitlab(match[1])) used.add(match[1]);
  }
  return used;
}

/**
 * Every variable of the README's table is read by both pipelines, and neither reads one the
 * table does not name (the table is what a team sets up before the first deploy).
 */
export function checkPipelineVariables(readme: string, files: PipelineFiles): Problem[] {
  const documented = readmeVariables(readme);
  const problems: Problem[] = [];
  if (documented.length === 0)
    problems.push({ source: 'README.md', message: `no variables table under "## ${CI_SECTION}"` });
  const github = new Set([...files.github.values()].flatMap((text) => [...githubVariables(text)]));
  const gitlab = gitlabVariables(files.gitlab);
  for (const name of documented) {
    if (!github.has(name))
      problems.push({
        source: '.github/workflows',
        message: `${name} is in the README's table but no workflow reads it`,
      });
    if (!gitlab.has(name))
      problems.push({
        source: GITLAB_PIPELINE,
        message: `${name} is in the README's table but the pipeline does not read it`,
      });
  }
  const table = new Set(documented);
  for (const [source, names] of [
    ['.github/workflows', github],
    [GITLAB_PIPELINE, gitlab],
  ] as const) {
    for (const name of names) {
      if (!table.has(name))
        problems.push({ source, message: `${name} is read but the README's table does not name it` });
    }
  }
  return problems;
}
