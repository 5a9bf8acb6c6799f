import { resolve } from 'node:path';
import { deployRenderingChecks, NamedCheck, RenderingTools } from './deploy-checks';
import { DeployCommand } from './deploy-commands';

const ROOT = resolve(__dirname, '..', '..');
const CHART = 'infrastructure/helm/microservice';
const command = (source: string, host: string): DeployCommand => ({
  source,
  release: 'billing',
  chart: CHART,
  options: ['--set', `ingress.host=${host}`],
});

/** Renders the host it was given (or a fixed text), so what the checks compare is known. */
function tools(render: (command: DeployCommand) => string): RenderingTools {
  return { root: ROOT, render, check: () => ({ problems: [], notes: [] }) };
}

function messages(checks: NamedCheck[]): string[] {
  return checks.flatMap((check) => {
    const result = check.run();
    return (Array.isArray(result) ? result : result.problems).map((p) => `${p.source}: ${p.message}`);
  });
}

describe(deployRenderingChecks.name, () => {
  const github = command('.github/workflows/deploy.yml: job deploy, run', 'a.example.com');
  const gitlab = command('.gitlab-ci.yml: job deploy, script', 'a.example.com');

  it('passes equal renderings from both pipelines that carry every --set value', () => {
    const checks = deployRenderingChecks(
      [github, gitlab],
      [],
      tools((c) => `host: ${c.options[1]}`),
    );
    expect(checks.map((check) => check.name)).toEqual([
      'pipelines: every deploy job runs helm upgrade --install RELEASE CHART with known variables',
      `helm template with the options of ${github.source} (strict schema, cross-references, --set keys)`,
      `helm template with the options of ${gitlab.source} (strict schema, cross-references, --set keys)`,
      `GitHub's and GitLab's deploys of ${CHART} render the same objects`,
    ]);
    expect(messages(checks)).toEqual([]);
  });

  it('reports a --set value the rendering lacks and renderings that differ', () => {
    const other = command(gitlab.source, 'b.example.com');
    const checks = deployRenderingChecks(
      [github, other],
      [],
      tools((c) => (c === other ? 'host: x' : 'host: a.example.com')),
    );
    expect(messages(checks)).toEqual([
      `${other.source}: --set ingress.host=b.example.com appears nowhere in the rendering`,
      `${other.source}: renders differently from ${github.source}`,
    ]);
  });

  it('reports a chart only one pipeline deploys, and no deploy at all', () => {
    expect(
      messages(
        deployRenderingChecks(
          [github],
          [],
          tools(() => 'a.example.com'),
        ),
      ),
    ).toEqual([`${CHART}: rendered for .github/workflows/deploy.yml only`]);
    expect(
      messages(
        deployRenderingChecks(
          [],
          [],
          tools(() => ''),
        ),
      ),
    ).toEqual(['pipelines: no helm upgrade --install found']);
  });
});
