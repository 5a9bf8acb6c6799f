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
      env?: Record<string, string>;
    }
  >;
}
const workflows = [...github].map(([file, text]) => ({ file, text, value: parse(text) as Workflow }));

/**
 * actionlint knows the inputs of popular actions by their major tag only (`actions/checkout@v4`),
 * so the workflows are linted a second time with `@vX.Y.Z` shortened to `@vX` to check `with:`.
 */
function withMajorTags(text: string): string {
  return text.replace(/(uses:\s*[\w./-]+@v\d+)\.\d+\.\d+/g, '$1');
}

/** A workflow actionlint must reject: `env` as given, and checkout's input misspelt. */
function badWorkflow(env: string): string {
  return [
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
}

/**
 * One actionlint run (WebAssembly, seconds to start) over a scratch copy of the workflows, their
 * major-tag twins (`major-*.yml`) and two that must fail; the files each finding names.
 */
function actionlintAll(): { status: number | null; output: string; flagged: Set<string> } {
  const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
  try {
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    for (const [file, text] of github) {
      writeFileSync(join(dir, file), text);
      writeFileSync(
        join(
          dir,
          file.replace(/[^/]+$/, (name) => `major-${name}`),
        ),
        withMajorTags(text),
      );
    }
    writeFileSync(join(dir, '.github/workflows/bad-context.yml'), badWorkflow("'${{ job.services.db.id }}'"));
    writeFileSync(join(dir, '.github/workflows/bad-input.yml'), withMajorTags(badWorkflow("'1'")));
    const result = spawnSync(process.execPath, [ACTIONLINT, '.github/workflows/*.yml'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const output = `${result.stdout}${result.stderr}`;
    const flagged = new Set(
      [...output.matchAll(/^\.github\/workflows\/([^:\s]+):\d+:\d+ /gm)].map((m) => m[1]),
    );
    return { status: result.status, output, flagged };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

  describe('actionlint', () => {
    let run: ReturnType<typeof actionlintAll>;
    beforeAll(() => {
      run = actionlintAll();
    });

    it("passes them, and with major tags (checking the actions' inputs)", () => {
      expect([...github.values()].map(withMajorTags).join()).toMatch(/actions\/checkout@v4\s/);
      expect(run.output).toContain(`Checking ${github.size * 2 + 2} workflow file(s)`);
      expect({ flagged: [...run.flagged].sort(), output: run.output }).toEqual({
        flagged: ['bad-context.yml', 'bad-input.yml'],
        output: expect.any(String),
      });
    });

    it('rejects a misplaced context and, with major tags, an unknown input', () => {
      expect(run.status).toBe(1);
      expect(run.output).toMatch(/bad-context\.yml:\d+:\d+ context "job" is not allowed here/);
      expect(run.output).toMatch(/bad-input\.yml:\d+:\d+ input "fetch-depht" is not defined/);
    });
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
    expect(test.env).toEqual({ CI: 'true', COVERAGE: 'true' });
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
