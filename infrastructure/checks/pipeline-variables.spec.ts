import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkPipelineVariables,
  githubVariables,
  gitlabVariables,
  readmeVariables,
} from './pipeline-variables';
import { readPipelineFiles } from './pipelines';

const ROOT = resolve(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const FILES = readPipelineFiles(ROOT);
/** The Django template's CI variables (DESIGN.md) and the cluster access the deploy jobs need. */
const VARIABLES = [
  'IMAGE_NAME',
  'DOCKER_USERNAME',
  'DOCKER_PASSWORD',
  'DOCKER_SERVER',
  'MICROSERVICE_NAMESPACE',
  'COMMON_NAMESPACE',
  'MICROSERVICE_NAME',
  'SECRET_SETTINGS_NAME',
  'DOMAIN_NAME',
  'LETS_ENCRYPT_EMAIL',
  'KUBE_CONFIG',
];

describe(checkPipelineVariables.name, () => {
  it("the README's table names the template's variables", () => {
    expect(readmeVariables(README)).toEqual(VARIABLES);
  });

  it('both pipelines read every variable of the table and no other', () => {
    expect(checkPipelineVariables(README, FILES)).toEqual([]);
  });

  it('fails when a variable of the table is read by one pipeline only', () => {
    const gitlab = FILES.gitlab.replaceAll('$LETS_ENCRYPT_EMAIL', 'ops@example.com');
    expect(checkPipelineVariables(README, { ...FILES, gitlab }).map((p) => p.message)).toEqual([
      "LETS_ENCRYPT_EMAIL is in the README's table but the pipeline does not read it",
    ]);
    const github = new Map(
      [...FILES.github].map(([file, text]) => [file, text.replaceAll('vars.DOMAIN_NAME', "'x'")]),
    );
    expect(checkPipelineVariables(README, { ...FILES, github }).map((p) => p.message)).toEqual([
      "DOMAIN_NAME is in the README's table but no workflow reads it",
    ]);
  });

  it('fails when a pipeline reads a variable the table does not name', () => {
    const readme = README.replace(/^\| `KUBE_CONFIG` .*\n/m, '');
    expect(readmeVariables(readme)).not.toContain('KUBE_CONFIG');
    expect(checkPipelineVariables(readme, FILES).map((p) => `${p.source}: ${p.message}`)).toEqual([
      ".github/workflows: KUBE_CONFIG is read but the README's table does not name it",
      ".gitlab-ci.yml: KUBE_CONFIG is read but the README's table does not name it",
    ]);
    const gitlab = `${FILES.gitlab}\nextra:\n  script:\n    - echo "$SLACK_WEBHOOK \${REGISTRY_TOKEN}"\n`;
    expect(checkPipelineVariables(README, { ...FILES, gitlab }).map((p) => p.message)).toEqual([
      "SLACK_WEBHOOK is read but the README's table does not name it",
      "REGISTRY_TOKEN is read but the README's table does not name it",
    ]);
  });

  it("reads GitHub's secrets and vars contexts, not the runner's token", () => {
    expect([
      ...githubVariables('a: ${{ secrets.A }}/${{ vars.B || secrets.GITHUB_TOKEN }} $C ${{ env.D }}'),
    ]).toEqual(['A', 'B']);
  });

  it("leaves out what GitLab's file defines, GitLab predefines or a script assigns", () => {
    const text = [
      'variables:',
      '  REPO: $SERVER/$NAME',
      'job:',
      '  variables: { LOCAL: x }',
      '  script:',
      '    - export KUBECONFIG=/k; echo "$CI_COMMIT_SHA $REPO $LOCAL $KUBECONFIG $lower ${TOKEN}"',
    ].join('\n');
    expect([...gitlabVariables(text)]).toEqual(['SERVER', 'NAME', 'TOKEN']);
  });
});
