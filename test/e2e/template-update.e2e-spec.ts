import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALLOWED_LEFTOVERS, UNTOUCHED_FILES } from '../../src/cli/rename/rename-rules';
import { cliIn, copyRepository, git, linkNodeModules } from '../support/repository-copy';

/**
 * A renamed service pulls a later template commit: the template's change arrives with the
 * service's names, the team's own change stays, and the rename causes no conflict.
 */
describe('npm run cli -- template:update', () => {
  let template: string;
  let service: string;
  const values = (dir: string) =>
    readFileSync(join(dir, 'infrastructure/helm/microservice/values.yaml'), 'utf8');

  beforeAll(() => {
    template = copyRepository('template-origin-');
    service = `${template}-billing`;
    git(template, ['clone', '-q', template, service]);
    linkNodeModules(service);
    expect(cliIn(service, ['rename', 'billing']).code).toBe(0);
    git(service, ['commit', '-q', '-am', 'Rename to billing']);
    // The team's own change, on a line next to renamed ones.
    writeFileSync(
      join(service, 'infrastructure/helm/microservice/values.yaml'),
      values(service).replace('replicaCount: 2\n', 'replicaCount: 4\n'),
    );
    git(service, ['commit', '-q', '-am', 'Four replicas']);
  }, 120_000);
  afterAll(() => {
    rmSync(service, { recursive: true, force: true });
    rmSync(template, { recursive: true, force: true });
  });

  it('refuses to run without the template remote, naming the option that adds it', () => {
    const result = cliIn(service, ['template:update']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: no git remote "template": run once with --url <the template\'s repository> to add it\n',
    );
  });

  it('merges a later template commit with the rename reapplied', () => {
    // The template's later commit changes a line holding its name and adds a file naming it.
    writeFileSync(
      join(template, 'infrastructure/helm/microservice/values.yaml'),
      values(template).replace('host: microservice.example.com', 'host: api.microservice.example.com'),
    );
    mkdirSync(join(template, 'docs'), { recursive: true });
    writeFileSync(
      join(template, 'docs/operations.md'),
      'Restart: `kubectl rollout restart deployment/microservice-dpl`.\n',
    );
    git(template, ['add', '-A']);
    git(template, ['commit', '-q', '-m', 'Later template change']);
    const templateHead = git(template, ['rev-parse', 'HEAD']).trim();

    const result = cliIn(service, ['template:update', '--url', template]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`merged template ${templateHead.slice(0, 12)}`);

    expect(git(service, ['status', '--porcelain'])).toBe('');
    expect(git(service, ['rev-parse', 'HEAD^2']).trim()).toBe(templateHead);
    expect(values(service)).toContain('host: api.billing.example.com');
    expect(values(service)).toContain('replicaCount: 4\n');
    expect(readFileSync(join(service, 'docs/operations.md'), 'utf8')).toContain('deployment/billing-dpl');
    const leftovers = git(service, ['grep', '-n', '-E', 'microservice|m8e', '--', '.'])
      .split('\n')
      .filter((line) => line.length > 0 && !ALLOWED_LEFTOVERS.some((allowed) => allowed.test(line)))
      // Files the rename never touches (its own code and tests, the changelog).
      .filter((line) => !UNTOUCHED_FILES.some((untouched) => untouched.test(line.split(':')[0])));
    expect(leftovers).toEqual([]);
  }, 120_000);

  it('reports up to date when nothing new is in the template', () => {
    const result = cliIn(service, ['template:update']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^already up to date with the template/);
  });
});
