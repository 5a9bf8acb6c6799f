import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLOWED_LEFTOVERS, UNTOUCHED_FILES } from '../../src/cli/rename/rename-rules';
import { cliIn as cli, copyRepository, git } from '../support/repository-copy';
import { PROJECT_ROOT } from '../support/spawn-service';

/**
 * The rename as a new user runs it: a copy of this repository (its files, node_modules linked),
 * renamed to `billing`, must type-check, lint, pass its unit and infrastructure tests, and render
 * `billing` Kubernetes names, with no template name left outside the allow-list.
 */

const HELM = join(PROJECT_ROOT, '.tools', 'helm', 'helm');

const run = (cwd: string, command: string, args: readonly string[]) =>
  execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });

describe('npm run rename', () => {
  let copy: string;

  beforeAll(() => {
    copy = copyRepository('rename-copy-');
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it.each(['Billing', 'billing_api', '-billing', 'billing-', '1billing', 'a'.repeat(41)])(
    'refuses the name %p with one line and changes nothing',
    (name) => {
      const result = cli(copy, ['rename', name]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`name "${name}"`);
      expect(git(copy, ['status', '--porcelain'])).toBe('');
    },
  );

  it('refuses a dirty tree without --force', () => {
    writeFileSync(join(copy, 'README.md'), readFileSync(join(copy, 'README.md'), 'utf8') + '\nlocal note\n');
    const result = cli(copy, ['rename', 'billing']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: the git tree has 1 uncommitted change\(s\) .*--force\n$/);
    expect(git(copy, ['status', '--porcelain']).trim()).toBe('M README.md');
    git(copy, ['checkout', '--', 'README.md']);
  });

  it('prints a unified diff with --dry-run and writes nothing', () => {
    const result = cli(copy, ['rename', 'billing', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '--- a/infrastructure/helm/microservice/Chart.yaml\n+++ b/infrastructure/helm/microservice/Chart.yaml',
    );
    expect(result.stdout).toContain('-name: microservice\n+name: billing');
    expect(result.stdout).toContain('-  "name": "microservice",\n+  "name": "billing",');
    expect(git(copy, ['status', '--porcelain'])).toBe('');
  });

  it('renames every derived name, and a second run changes nothing', () => {
    const first = cli(copy, ['rename', 'billing']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    git(copy, ['commit', '-q', '-am', 'rename to billing']);

    const leftovers = git(copy, ['grep', '-n', '-E', 'microservice|m8e', '--', '.'])
      .split('\n')
      .filter((line) => line.length > 0 && !ALLOWED_LEFTOVERS.some((allowed) => allowed.test(line)))
      // Files the rename never touches (its own code and tests, the changelog).
      .filter((line) => !UNTOUCHED_FILES.some((untouched) => untouched.test(line.split(':')[0])));
    expect(leftovers).toEqual([]);

    expect(JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8'))).toMatchObject({ name: 'billing' });
    expect(JSON.parse(readFileSync(join(copy, 'template.json'), 'utf8'))).toMatchObject({
      name: 'billing',
      secretName: 'billing-settings',
    });
    const compose = readFileSync(join(copy, 'infrastructure', 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('SERVICE_NAME: billing');
    expect(compose).toContain('POSTGRES_DB: billing');

    const second = cli(copy, ['rename', 'billing']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to change');
    expect(git(copy, ['status', '--porcelain'])).toBe('');
  }, 120_000);

  it('leaves a copy that type-checks, lints and is formatted', () => {
    const changed = git(copy, ['diff', '--name-only', 'HEAD~1', 'HEAD']).split('\n').filter(Boolean);
    run(copy, join(copy, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--noEmit']);
    const code = changed.filter((file) => /\.(ts|js|mjs)$/.test(file));
    run(copy, join(copy, 'node_modules', '.bin', 'eslint'), ['--max-warnings=0', ...code]);
    run(copy, join(copy, 'node_modules', '.bin', 'prettier'), ['--check', '--ignore-unknown', ...changed]);
  }, 300_000);

  it('renders the Helm chart with billing names', () => {
    expect(existsSync(HELM)).toBe(true);
    const chart = join(copy, 'infrastructure', 'helm', 'microservice');
    run(copy, HELM, ['lint', chart]);
    const rendered = run(copy, HELM, ['template', 'billing', chart]);
    expect(rendered).toContain('name: billing-dpl');
    expect(rendered).toContain('name: billing-db-depl');
    expect(rendered).toContain('name: billing-settings');
    expect(rendered).toContain('image: "registry.example.com/billing:');
    expect(rendered).not.toMatch(/microservice|m8e/);
    const manifest = readFileSync(join(copy, 'infrastructure', 'k8s_microservice.yaml'), 'utf8');
    expect(manifest).toContain('name: billing-dpl');
  });

  it("passes the copy's unit tests and infrastructure checks", () => {
    // The unit suites that hold the service's name; the full unit run is the lead's CI job.
    const result = spawnSync(
      join(copy, 'node_modules', '.bin', 'jest'),
      [
        '--runInBand',
        '--selectProjects',
        'unit',
        'infrastructure',
        '--',
        'src/settings',
        'infrastructure/checks',
      ],
      { cwd: copy, encoding: 'utf8', env: { ...process.env, CI: 'true' } },
    );
    expect(`${result.stderr}`).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(result.status).toBe(0);
  }, 600_000);
});
