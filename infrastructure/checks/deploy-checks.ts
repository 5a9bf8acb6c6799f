import { checkSetKeys, DeployCommand, EXAMPLE_VALUES, setValues } from './deploy-commands';
import { Problem } from './problem';

export interface NamedCheck {
  readonly name: string;
  readonly run: () => { problems: Problem[]; notes?: string[] } | Problem[];
}

export interface RenderingTools {
  readonly root: string;
  /** `helm template` with the command's release, chart and options. */
  readonly render: (command: DeployCommand) => string;
  /** The charts' own checks of a rendering (strict schema, cross-references). */
  readonly check: (
    source: string,
    text: string,
    isAppImage: (image: string) => boolean,
    settingsSecrets: ReadonlySet<string>,
  ) => { problems: Problem[]; notes: string[] };
}

/**
 * Each pipeline's deploy rendered with the options it passes to `helm upgrade --install` (the
 * README's variables replaced by EXAMPLE_VALUES) and checked like the charts; every `--set` key
 * is declared and reaches the rendering; GitHub's and GitLab's deploys of a chart render the
 * same. The checks run in order (the last ones compare what the first ones rendered).
 */
export function deployRenderingChecks(
  commands: readonly DeployCommand[],
  parseProblems: readonly Problem[],
  tools: RenderingTools,
): NamedCheck[] {
  const image = `${EXAMPLE_VALUES.DOCKER_SERVER}/${EXAMPLE_VALUES.IMAGE_NAME}:${EXAMPLE_VALUES.CI_COMMIT_SHA}`;
  const renderings = new Map<string, { command: DeployCommand; text: string }[]>();
  const checks: NamedCheck[] = [
    {
      name: 'pipelines: every deploy job runs helm upgrade --install RELEASE CHART with known variables',
      run: () => [
        ...parseProblems,
        ...(commands.length === 0
          ? [{ source: 'pipelines', message: 'no helm upgrade --install found' }]
          : []),
      ],
    },
  ];
  for (const command of commands) {
    checks.push({
      name: `helm template with the options of ${command.source} (strict schema, cross-references, --set keys)`,
      run: () => {
        const text = tools.render(command);
        renderings.set(command.chart, [...(renderings.get(command.chart) ?? []), { command, text }]);
        const rendered = tools.check(
          command.source,
          text,
          (candidate) => candidate === image,
          new Set([EXAMPLE_VALUES.SECRET_SETTINGS_NAME]),
        );
        const unused = setValues(command.options)
          .filter(([, value]) => !text.includes(value))
          .map(([key, value]) => ({
            source: command.source,
            message: `--set ${key}=${value} appears nowhere in the rendering`,
          }));
        return {
          problems: [...checkSetKeys(command, tools.root), ...rendered.problems, ...unused],
          notes: rendered.notes,
        };
      },
    });
  }
  for (const chart of new Set(commands.map((command) => command.chart))) {
    checks.push({
      name: `GitHub's and GitLab's deploys of ${chart} render the same objects`,
      run: () => {
        const versions = renderings.get(chart) ?? [];
        const pipelines = new Set(versions.map(({ command }) => command.source.split(':')[0]));
        const fromGithub = [...pipelines].some((file) => file.startsWith('.github/'));
        if (!fromGithub || !pipelines.has('.gitlab-ci.yml'))
          return [
            { source: chart, message: `rendered for ${[...pipelines].join(', ') || 'no pipeline'} only` },
          ];
        return versions
          .filter(({ text }) => text !== versions[0].text)
          .map(({ command }) => ({
            source: command.source,
            message: `renders differently from ${versions[0].command.source}`,
          }));
      },
    });
  }
  return checks;
}
