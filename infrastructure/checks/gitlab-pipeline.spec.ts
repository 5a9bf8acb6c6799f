import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GITLAB_CI_LOCAL_STATE, listGitlabJobs } from './gitlab-pipeline';
import { gitlabJobs, gitlabScripts, readPipelineFiles } from './pipelines';

const ROOT = resolve(__dirname, '..', '..');
const DEFAULT_BRANCH_PUSH = { CI_COMMIT_BRANCH: 'main', CI_DEFAULT_BRANCH: 'main' };
const { gitlab } = readPipelineFiles(ROOT);

describe('.gitlab-ci.yml', () => {
  it("lists GitHub's stages on a default-branch push, deploy-common by hand (gitlab-ci-local)", () => {
    expect(listGitlabJobs(ROOT, '.gitlab-ci.yml', DEFAULT_BRANCH_PUSH)).toEqual([
      { name: 'test', stage: 'test', when: 'on_success', allowFailure: false },
      { name: 'build', stage: 'build', when: 'on_success', allowFailure: false },
      { name: 'deploy', stage: 'deploy', when: 'on_success', allowFailure: false },
      { name: 'deploy-common', stage: 'deploy-common', when: 'manual', allowFailure: true },
    ]);
  });

  it('only tests another branch', () => {
    expect(
      listGitlabJobs(ROOT, '.gitlab-ci.yml', { CI_COMMIT_BRANCH: 'feature', CI_DEFAULT_BRANCH: 'main' }).map(
        (job) => job.name,
      ),
    ).toEqual(['test']);
  });

  it('gitlab-ci-local rejects an invalid pipeline', () => {
    const dir = join(ROOT, GITLAB_CI_LOCAL_STATE, 'spec');
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, 'stage.yml'), 'stages: [test]\ntest:\n  stage: tset\n  script: [echo]\n');
      expect(() => listGitlabJobs(ROOT, `${GITLAB_CI_LOCAL_STATE}/spec/stage.yml`)).toThrow(/tset not found/);
      writeFileSync(join(dir, 'schema.yml'), 'test:\n  script: [echo]\n  when: sometimes\n');
      expect(() => listGitlabJobs(ROOT, `${GITLAB_CI_LOCAL_STATE}/spec/schema.yml`)).toThrow(/rejects/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tests with .ci/run, the script of a local run, on the Node of .nvmrc with a PostgreSQL service', () => {
    const test = gitlabJobs(gitlab).get('test')!;
    expect(gitlabScripts(gitlab).find((script) => script.job === 'test')?.text).toBe('bash .ci/run');
    expect(test.services).toEqual([
      expect.objectContaining({ name: expect.stringMatching(/^postgres:/), alias: 'postgres' }),
    ]);
    expect(test.variables).toEqual(
      expect.objectContaining({
        COVERAGE: 'true',
        TEST_POSTGRES_SERVER: 'postgres://postgres@postgres:5432/test',
      }),
    );
  });

  it('never runs two deploys at once (resource groups)', () => {
    const jobs = gitlabJobs(gitlab);
    expect(jobs.get('deploy')?.resource_group).toBeTruthy();
    expect(jobs.get('deploy-common')?.resource_group).toBeTruthy();
  });
});
