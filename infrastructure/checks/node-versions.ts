import { Problem } from './problem';

export interface NodeVersionSources {
  /** package.json's `engines.node`, e.g. `>=20.19.0`. */
  readonly engines: string;
  /** `.nvmrc`: the version for development and the pipelines' test jobs. */
  readonly nvmrc: string;
  /** Node majors the pipelines' test jobs run, by where they are named. */
  readonly pipelines: Readonly<Record<string, number | 'nvmrc'>>;
  /** infrastructure/dockerfile's FROM lines. */
  readonly dockerfile: string;
}

function major(version: string): number {
  const match = /^v?(\d+)/.exec(version.trim());
  if (!match) throw new Error(`not a Node version: "${version.trim()}"`);
  return Number(match[1]);
}

/**
 * `.nvmrc` names the lowest major `engines` allows (developers and CI run what users may run),
 * the pipelines' test jobs run that major, and the image runs a Node `engines` allows.
 */
export function checkNodeVersions(sources: NodeVersionSources): Problem[] {
  const problems: Problem[] = [];
  const minimum = /^>=\s*(\d+)\.\d+\.\d+$/.exec(sources.engines.trim());
  if (!minimum)
    return [{ source: 'package.json', message: `engines.node "${sources.engines}" is not ">=X.Y.Z"` }];
  const lowest = Number(minimum[1]);
  const nvmrc = major(sources.nvmrc);
  if (nvmrc !== lowest)
    problems.push({
      source: '.nvmrc',
      message: `Node ${nvmrc}, but engines.node (${sources.engines}) starts at ${lowest}`,
    });
  for (const [source, version] of Object.entries(sources.pipelines)) {
    if (version !== 'nvmrc' && version !== nvmrc)
      problems.push({ source, message: `the test job runs Node ${version}, .nvmrc says ${nvmrc}` });
  }
  const images = [...sources.dockerfile.matchAll(/^FROM\s+node:(\d+)[^\s]*/gm)].map((match) =>
    Number(match[1]),
  );
  if (images.length === 0)
    problems.push({ source: 'infrastructure/dockerfile', message: 'no FROM node:<major>…' });
  for (const image of images) {
    if (image < lowest)
      problems.push({
        source: 'infrastructure/dockerfile',
        message: `the image runs Node ${image}, below engines.node (${sources.engines})`,
      });
  }
  return problems;
}
