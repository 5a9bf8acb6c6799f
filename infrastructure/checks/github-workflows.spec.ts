import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { githubScripts, readPipelineFiles } from './pipelines';

const ROOT = resolve(__dirname, '..', '..');
const ACTIONLINT = join(ROOT, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');
const { github } = readPipelineFiles(ROOT);
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: unknown;
  readonly concurrency?: unknown;
  readonly jobs: Record<
    string,
    {
      permissions?: unknown;
      services?: Record<string, unknown>;
      steps?: unknown[];
      uses?: string;
      needs?: unknown;
    }
  >;
}
const workflows = [...github].map(([file, text]) => ({ file, text, value: parse(text) as Workflow }));

/** actionlint (as WebAssembly) on the workflows of `cwd`; its exit status and report. */
function actionlint(cwd: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [ACTIONLINT, '.github/workflows/*.yml'], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** actionlint on workflow texts written to a scratch directory. */
function actionlintTexts(files: ReadonlyMap<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
  try {
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    for (const [file, text] of files) writeFileSync(join(dir, file), text);
    return actionlint(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * actionlint knows the inputs of popular actions by their major tag only (`actions/checkout@v4`),
 * so the workflows are linted a second time with `@vX.Y.Z` shortened to `@vX` to check `with:`.
 */
function withMajorTags(text: string): string {
  return text.replace(/(uses:\s*[\w./-]+@v\d+)\.\d+\.\d+/g, '$1');
}

describe('GitHub workflows', () => {
  it('are test, image, deploy and deploy-common', () => {
    expect(workflows.map((workflow) => workflow.file)).toEqual([
      '.github/workflows/deploy-common.yml',
      '.github/workflows/deploy.yml',
      '.github/workflows/image.yml',
      '.github/workflows/test.yml',
    ]);
  });

  it('pass actionlint', () => {
    const { status, output } = actionlint(ROOT);
    expect(output).toContain('Checking 4 workflow file(s)');
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('passed') });
  });

  it("pass actionlint's checks of the actions' inputs", () => {
    const majors = new Map([...github].map(([file, text]) => [file, withMajorTags(text)]));
    expect([...majors.values()].join()).toMatch(/actions\/checkout@v4\s/);
    const { status, output } = actionlintTexts(majors);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('passed') });
  });

  it('actionlint rejects a misplaced context and, with major tags, an unknown input', () => {
    const workflow = (env: string) =>
      [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-24.04',
        `    env: { ID: ${env} }`,
        '    steps:',
        '      - uses: actions/checkout@v4.2.2',
        '        with:',
        '          fetch-depht: 1',
      ].join('\n');
    const { status, output } = actionlintTexts(
      new Map([
        ['.github/workflows/context.yml', workflow("'${{ job.services.db.id }}'")],
        ['.github/workflows/input.yml', withMajorTags(workflow("'1'"))],
      ]),
    );
    expect(status).toBe(1);
    expect(output).toMatch(/context\.yml:\d+:\d+ context "job" is not allowed here/);
    expect(output).toMatch(/input\.yml:\d+:\d+ input "fetch-depht" is not defined/);
  });

  it('grant least privilege: contents: read at the top, no job asks for more', () => {
    for (const { file, value } of workflows) {
      expect({ file, permissions: value.permissions }).toEqual({ file, permissions: { contents: 'read' } });
      for (const job of Object.values(value.jobs)) {
        expect({ file, permissions: job.permissions }).toEqual({ file, permissions: undefined });
      }
    }
  });

  it('pin every action to a full version (or a commit)', () => {
    const uses = workflows.flatMap(({ file, text }) =>
      [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)/gm)].map((match) => ({ file, action: match[1] })),
    );
    expect(uses.length).toBeGreaterThan(8);
    for (const { file, action } of uses) {
      if (action.startsWith('./')) continue;
      expect({ file, action }).toEqual({
        file,
        action: expect.stringMatching(/@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/),
      });
    }
  });

  it('never run two deploys of one namespace at once, nor cancel a running one', () => {
    for (const { file, value } of workflows.filter((workflow) => workflow.file.includes('deploy'))) {
      expect({ file, concurrency: value.concurrency }).toEqual({
        file,
        concurrency: { group: expect.stringMatching(/NAMESPACE/), 'cancel-in-progress': false },
      });
    }
  });

  it('test the way a local run does: .ci/run with PostgreSQL and RabbitMQ services, Node from .nvmrc', () => {
    const test = workflows.find((workflow) => workflow.file.endsWith('/test.yml'))!.value.jobs.test;
    expect(Object.keys(test.services ?? {})).toEqual(['postgres', 'rabbitmq']);
    const runs = githubScripts('.github/workflows/test.yml', github.get('.github/workflows/test.yml')!);
    expect(runs.map((script) => script.text.trim())).toContain('bash .ci/run');
    expect(test.steps).toContainEqual(
      expect.objectContaining({
        uses: expect.stringMatching(/^actions\/setup-node@/),
        with: expect.objectContaining({ 'node-version-file': '.nvmrc' }),
      }),
    );
  });

  it('build the image after the tests and deploy after the image, on main', () => {
    const image = workflows.find((workflow) => workflow.file.endsWith('/image.yml'))!.value;
    expect(image.jobs.test.uses).toBe('./.github/workflows/test.yml');
    expect(image.jobs.image.needs).toBe('test');
    const deploy = workflows.find((workflow) => workflow.file.endsWith('/deploy.yml'))!.value;
    expect(deploy.on.workflow_run).toEqual({
      workflows: ['image'],
      types: ['completed'],
      branches: ['main'],
    });
    const common = workflows.find((workflow) => workflow.file.endsWith('/deploy-common.yml'))!.value;
    expect(Object.keys(common.on)).toEqual(['workflow_dispatch']);
  });
});
