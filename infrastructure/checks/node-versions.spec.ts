import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkNodeVersions, NodeVersionSources } from './node-versions';
import { gitlabJobs, readPipelineFiles } from './pipelines';

const ROOT = resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

function repositorySources(): NodeVersionSources {
  const { github, gitlab } = readPipelineFiles(ROOT);
  const setupNode = /uses: actions\/setup-node@\S+\s+with:\s+node-version(-file)?: (\S+)/.exec(
    github.get('.github/workflows/test.yml') ?? '',
  );
  const image = gitlabJobs(gitlab).get('test')?.image;
  const gitlabImage = typeof image === 'string' ? image : '';
  return {
    engines: (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node,
    nvmrc: read('.nvmrc'),
    pipelines: {
      '.github/workflows/test.yml':
        setupNode?.[1] && setupNode[2] === '.nvmrc' ? 'nvmrc' : Number(setupNode?.[2] ?? NaN),
      '.gitlab-ci.yml (test)': Number(/^node:(\d+)/.exec(gitlabImage)?.[1] ?? NaN),
    },
    dockerfile: read('infrastructure/dockerfile'),
  };
}

describe(checkNodeVersions.name, () => {
  it('.nvmrc, engines, the test jobs and the image agree', () => {
    const sources = repositorySources();
    expect(sources.pipelines['.github/workflows/test.yml']).toBe('nvmrc');
    expect(checkNodeVersions(sources)).toEqual([]);
  });

  it('fails when they drift apart', () => {
    const sources = repositorySources();
    expect(checkNodeVersions({ ...sources, nvmrc: '22\n' }).map((p) => p.source)).toEqual([
      '.nvmrc',
      '.gitlab-ci.yml (test)',
    ]);
    expect(checkNodeVersions({ ...sources, engines: '>=22.0.0' }).map((p) => p.source)).toEqual(['.nvmrc']);
    expect(
      checkNodeVersions({
        ...sources,
        dockerfile: 'FROM node:18-bookworm-slim AS build\nFROM node:22-bookworm-slim',
      }),
    ).toEqual([{ source: 'infrastructure/dockerfile', message: expect.stringMatching(/Node 18, below/) }]);
    expect(checkNodeVersions({ ...sources, engines: '^20' })).toHaveLength(1);
  });
});
