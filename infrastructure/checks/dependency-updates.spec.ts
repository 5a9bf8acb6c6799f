import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

interface PackageRule {
  readonly matchManagers?: string[];
  readonly matchDatasources?: string[];
  readonly matchPackageNames?: string[];
  readonly matchUpdateTypes?: string[];
  readonly groupName?: string;
  readonly enabled?: boolean;
}
interface RenovateConfig {
  readonly extends: string[];
  readonly schedule: string[];
  readonly packageRules: PackageRule[];
}

const config = JSON.parse(readFileSync(join(ROOT, 'renovate.json'), 'utf8')) as RenovateConfig;

/** The group a dependency of `manager`/`datasource` lands in, as Renovate applies rules (last wins). */
function groupOf(manager: string, datasource: string, updateType: string): string | undefined {
  let group: string | undefined;
  for (const rule of config.packageRules) {
    if (rule.matchPackageNames) continue;
    if (rule.matchManagers && !rule.matchManagers.includes(manager)) continue;
    if (rule.matchDatasources && !rule.matchDatasources.includes(datasource)) continue;
    if (rule.matchUpdateTypes && !rule.matchUpdateTypes.includes(updateType)) continue;
    group = rule.groupName ?? group;
  }
  return group;
}

describe('renovate.json', () => {
  it('opens its pull requests once a week', () => {
    expect(config.extends).toContain('config:recommended');
    expect(config.schedule).toEqual([
      expect.stringMatching(/^before \d+(am|pm) on (monday|tuesday|wednesday|thursday|friday)$/),
    ]);
  });

  it('groups npm packages, container images (Dockerfile, workflows, GitLab) and actions', () => {
    expect(groupOf('npm', 'npm', 'minor')).toBe('npm dependencies');
    expect(groupOf('npm', 'npm', 'patch')).toBe('npm dependencies');
    expect(groupOf('npm', 'npm', 'major')).toBe('npm dependencies (major)');
    for (const manager of ['dockerfile', 'github-actions', 'gitlabci', 'helm-values'])
      expect(groupOf(manager, 'docker', 'minor')).toBe('container images');
    expect(groupOf('github-actions', 'github-tags', 'minor')).toBe('GitHub Actions');
  });

  it("finds infrastructure/dockerfile with Renovate's default Dockerfile pattern", () => {
    // renovate's dockerfile manager: managerFilePatterns /(^|/)([Dd]ocker|[Cc]ontainer)file[^/]*$/
    expect('infrastructure/dockerfile').toMatch(/(^|\/)([Dd]ocker|[Cc]ontainer)file[^/]*$/);
  });

  it('leaves Node majors to a deliberate change (engines, .nvmrc, the images)', () => {
    expect(config.packageRules).toContainEqual(
      expect.objectContaining({
        matchPackageNames: ['node', '@types/node'],
        matchUpdateTypes: ['major'],
        enabled: false,
      }),
    );
  });
});
