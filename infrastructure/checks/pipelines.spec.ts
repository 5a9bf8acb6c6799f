import { githubScripts, gitlabJobs, gitlabScripts, scriptFileName, scriptForShellcheck } from './pipelines';

const WORKFLOW = [
  'env: { A: a }',
  'jobs:',
  '  deploy:',
  '    env: { B: b }',
  '    steps:',
  '      - uses: actions/checkout@v4.2.2',
  '      - name: say',
  '        env: { A: c }',
  '        run: echo "${{ vars.X }} $A $B"',
].join('\n');

const PIPELINE = [
  'variables: { G: g }',
  'default: { before_script: [echo default] }',
  '.base:',
  '  variables: { K: k }',
  '  before_script: [echo base]',
  'one:',
  '  extends: .base',
  '  script: [echo one]',
  'two:',
  '  script: [echo two]',
].join('\n');

describe('pipeline scripts', () => {
  it("reads GitHub's run: steps with the env of workflow, job and step", () => {
    const [script] = githubScripts('.github/workflows/x.yml', WORKFLOW);
    expect(script).toEqual({
      pipeline: 'github',
      file: '.github/workflows/x.yml',
      job: 'deploy',
      step: 'say',
      shell: 'bash',
      text: 'echo "${{ vars.X }} $A $B"',
      env: { A: 'c', B: 'b' },
    });
    expect(scriptForShellcheck(script)).toContain('\necho "github-expression $A $B"\n');
    expect(scriptFileName(script, 0)).toBe('01-x-yml-deploy-say.bash');
  });

  it("reads GitLab's jobs with extends, default before_script and variables", () => {
    expect([...gitlabJobs(PIPELINE).keys()]).toEqual(['one', 'two']);
    expect(gitlabScripts(PIPELINE).map(({ job, text, env }) => ({ job, text, env }))).toEqual([
      { job: 'one', text: 'echo base\necho one', env: { G: 'g', K: 'k' } },
      { job: 'two', text: 'echo default\necho two', env: { G: 'g' } },
    ]);
    expect(() => gitlabJobs('a:\n  extends: b\nb:\n  extends: a\n')).toThrow(/extends loop/);
  });
});
