import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isRecord } from './kubernetes-schema';
import { PipelineScript } from './pipelines';
import { Problem } from './problem';
import { commandLines, shellWords } from './shell-words';

/** A deploy job's `helm upgrade --install`, its variables replaced by example values. */
export interface DeployCommand {
  readonly source: string;
  readonly release: string;
  /** Repository-relative chart directory. */
  readonly chart: string;
  /** Everything after the chart, as the job passes it. */
  readonly options: readonly string[];
}

/** `${{ vars.X }}`, `${{ secrets.X }}`, `${{ a || b }}` with known context values; else undefined. */
function githubExpression(expression: string, values: Readonly<Record<string, string>>): string | undefined {
  for (const operand of expression.split('||').map((part) => part.trim())) {
    const name = /^(?:vars|secrets)\.([A-Za-z0-9_]+)$/.exec(operand)?.[1] ?? operand;
    if (values[name] !== undefined) return values[name];
  }
  return undefined;
}

/**
 * The value a script sees for each variable: the pipeline's own definitions (GitHub `env:` with
 * its expressions resolved, GitLab `variables:` expanded), over `values` (the project's settings
 * and the CI system's variables, as examples).
 */
export function scriptVariables(
  script: PipelineScript,
  values: Readonly<Record<string, string>>,
): (name: string) => string {
  const resolved: Record<string, string> = { ...values };
  const lookup = (name: string): string => {
    if (resolved[name] !== undefined) return resolved[name];
    throw new Error(`${name} has no value (neither the pipeline nor the example values define it)`);
  };
  for (const [name, raw] of Object.entries(script.env)) {
    resolved[name] = raw
      .replace(/\$\{\{([^}]*)\}\}/g, (whole, expression: string) => {
        const value = githubExpression(expression.trim(), values);
        if (value === undefined) throw new Error(`${name}: cannot resolve ${whole}`);
        return value;
      })
      .replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_whole, variable: string) =>
        script.pipeline === 'gitlab' ? lookup(variable) : `$${variable}`,
      );
  }
  return lookup;
}

/** Every `helm upgrade --install RELEASE CHART …` in the scripts. */
export function deployCommands(
  scripts: readonly PipelineScript[],
  values: Readonly<Record<string, string>>,
): { commands: DeployCommand[]; problems: Problem[] } {
  const commands: DeployCommand[] = [];
  const problems: Problem[] = [];
  for (const script of scripts) {
    const source = `${script.file}: job ${script.job}, ${script.step}`;
    for (const line of commandLines(script.text)) {
      if (!/^helm\s+upgrade\b/.test(line)) continue;
      try {
        const words = shellWords(line, scriptVariables(script, values));
        const positional = words
          .slice(2)
          .filter((word, index, all) => !word.startsWith('-') && !isOptionValue(all, index));
        if (!words.includes('--install'))
          problems.push({ source, message: 'helm upgrade without --install fails on a first deploy' });
        const [release, chart] = positional;
        if (!release || !chart) throw new Error(`expected helm upgrade --install RELEASE CHART: ${line}`);
        const chartIndex = words.indexOf(chart, words.indexOf(release) + 1);
        commands.push({ source, release, chart, options: words.slice(chartIndex + 1) });
      } catch (error) {
        problems.push({ source, message: (error as Error).message });
      }
    }
  }
  return { commands, problems };
}

/** Helm options that take the next word as their value. */
const OPTIONS_WITH_VALUE = new Set([
  '--namespace',
  '-n',
  '--set',
  '--set-string',
  '--values',
  '-f',
  '--timeout',
  '--version',
]);

function isOptionValue(words: readonly string[], index: number): boolean {
  return index > 0 && OPTIONS_WITH_VALUE.has(words[index - 1]);
}

/** `helm template` arguments that render what the deploy command installs. */
export function templateArguments(command: DeployCommand): string[] {
  return ['template', command.release, command.chart, ...command.options];
}

/** The `--set key=value` pairs of a command. */
export function setValues(options: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  options.forEach((option, index) => {
    const text =
      option === '--set' || option === '--set-string'
        ? options[index + 1]
        : /^--set(?:-string)?=(.*)$/.exec(option)?.[1];
    if (text === undefined) return;
    const equals = text.indexOf('=');
    pairs.push([text.slice(0, equals), text.slice(equals + 1)]);
  });
  return pairs;
}

/**
 * Each `--set` key names a value the chart's values.yaml declares: helm ignores an unknown key,
 * so a typo (`ingress.hots`) would deploy the default silently.
 */
export function checkSetKeys(command: DeployCommand, root: string): Problem[] {
  const values = parse(readFileSync(join(root, command.chart, 'values.yaml'), 'utf8')) as unknown;
  const problems: Problem[] = [];
  for (const [key] of setValues(command.options)) {
    let node: unknown = values;
    for (const part of key.split('.')) node = isRecord(node) && part in node ? node[part] : undefined;
    if (node === undefined)
      problems.push({
        source: command.source,
        message: `--set ${key}: ${command.chart}/values.yaml has no such value`,
      });
  }
  return problems;
}

const EXAMPLE_SHA = '0123456789abcdef0123456789abcdef01234567';

/**
 * Example settings of the README's table and the CI systems' own variables, for rendering the
 * deploy commands. The secret's name differs from the chart's default, so a command that does
 * not pass it shows.
 */
export const EXAMPLE_VALUES: Readonly<Record<string, string>> = {
  IMAGE_NAME: 'team/billing',
  DOCKER_SERVER: 'registry.example.com',
  DOCKER_USERNAME: 'ci',
  DOCKER_PASSWORD: 'password',
  KUBE_CONFIG: 'a3ViZWNvbmZpZw==',
  MICROSERVICE_NAMESPACE: 'billing-space',
  COMMON_NAMESPACE: 'common-space',
  MICROSERVICE_NAME: 'billing',
  SECRET_SETTINGS_NAME: 'billing-settings',
  DOMAIN_NAME: 'billing.example.com',
  LETS_ENCRYPT_EMAIL: 'ops@example.com',
  CI_COMMIT_SHA: EXAMPLE_SHA,
  CI_PROJECT_DIR: '/builds/team/billing',
  'github.event.workflow_run.head_sha': EXAMPLE_SHA,
};
