import { resolve } from 'node:path';
import {
  checkSetKeys,
  deployCommands,
  EXAMPLE_VALUES,
  setValues,
  templateArguments,
} from './deploy-commands';
import { allPipelineScripts, PipelineScript, readPipelineFiles } from './pipelines';
import { commandLines, shellWords } from './shell-words';

const ROOT = resolve(__dirname, '..', '..');
const SHA = EXAMPLE_VALUES.CI_COMMIT_SHA;
const VALUES = EXAMPLE_VALUES;

describe(shellWords.name, () => {
  const lookup = (name: string) =>
    ({ A: 'a b', EMPTY: '' })[name] ??
    (() => {
      throw new Error(`no ${name}`);
    })();

  it('splits words, removes quotes and expands variables without splitting them', () => {
    expect(shellWords(`x --set k="$A" 'l $A' m\\ n \${A}/p "\${EMPTY:-d}"`, lookup)).toEqual([
      'x',
      '--set',
      'k=a b',
      'l $A',
      'm n',
      'a b/p',
      'd',
    ]);
  });

  it('refuses what it cannot read and unknown variables', () => {
    expect(() => shellWords('a | b', lookup)).toThrow(/not a simple command/);
    expect(() => shellWords('a "$(date)"', lookup)).toThrow(/unsupported expansion/);
    expect(() => shellWords('a "$B"', lookup)).toThrow(/no B/);
    expect(() => shellWords('a "b', lookup)).toThrow(/unterminated/);
  });

  it('joins continuation lines and drops comments', () => {
    expect(commandLines('# c\nhelm upgrade \\\n  --install x\n\necho')).toEqual([
      'helm upgrade    --install x',
      'echo',
    ]);
  });
});

describe(deployCommands.name, () => {
  const scripts = allPipelineScripts(readPipelineFiles(ROOT));

  it("finds both pipelines' deploys, with the pipelines' own variables resolved", () => {
    const { commands, problems } = deployCommands(scripts, VALUES);
    expect(problems).toEqual([]);
    expect(commands.map((command) => [command.source, command.release, command.chart])).toEqual([
      [
        '.github/workflows/deploy-common.yml: job deploy-common, helm upgrade --install',
        'common',
        'infrastructure/helm/common',
      ],
      [
        '.github/workflows/deploy.yml: job deploy, helm upgrade --install',
        'billing',
        'infrastructure/helm/microservice',
      ],
      ['.gitlab-ci.yml: job deploy, script', 'billing', 'infrastructure/helm/microservice'],
      ['.gitlab-ci.yml: job deploy-common, script', 'common', 'infrastructure/helm/common'],
    ]);
    const github = commands[1];
    expect(setValues(github.options)).toEqual([
      ['name', 'billing'],
      ['image.repository', 'registry.example.com/team/billing'],
      ['image.tag', SHA],
      ['secretName', 'billing-settings'],
      ['ingress.host', 'billing.example.com'],
    ]);
    expect(commands[2].options).toEqual(github.options);
    expect(templateArguments(github).slice(0, 5)).toEqual([
      'template',
      'billing',
      'infrastructure/helm/microservice',
      '--namespace',
      'billing-space',
    ]);
    for (const command of commands) expect(checkSetKeys(command, ROOT)).toEqual([]);
  });

  it('reports a --set key the chart does not declare, and a variable without a value', () => {
    const script: PipelineScript = {
      pipeline: 'gitlab',
      file: 'f',
      job: 'j',
      step: 's',
      shell: 'sh',
      text: 'helm upgrade --install r infrastructure/helm/microservice --set ingress.hots="$DOMAIN_NAME"',
      env: {},
    };
    const { commands } = deployCommands([script], VALUES);
    expect(checkSetKeys(commands[0], ROOT).map((p) => p.message)).toEqual([
      '--set ingress.hots: infrastructure/helm/microservice/values.yaml has no such value',
    ]);
    const unknown = deployCommands([{ ...script, text: 'helm upgrade r c --set a="$NOPE"' }], VALUES);
    expect(unknown.problems.map((p) => p.message)).toEqual([expect.stringMatching(/NOPE has no value/)]);
    const noInstall = deployCommands([{ ...script, text: 'helm upgrade r c' }], VALUES);
    expect(noInstall.problems.map((p) => p.message)).toEqual([
      'helm upgrade without --install fails on a first deploy',
    ]);
  });
});
