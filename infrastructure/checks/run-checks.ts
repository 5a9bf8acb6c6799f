// The infrastructure's static checks, one pass/fail line each, then a count line
// ("static checks: N passed, N failed") that .ci/infrastructure-checks adds to its own.
//
//   node -r @swc-node/register infrastructure/checks/run-checks.ts static
//   node -r @swc-node/register infrastructure/checks/run-checks.ts run-flags   (podman/docker flags, one a line)
//   node -r @swc-node/register infrastructure/checks/run-checks.ts pipeline-scripts DIR   (for shellcheck)
//
// HELM names the helm binary (default .tools/helm/helm).
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readAppFacts, settingsTheAppReads } from './app-facts';
import { checkComposeFile } from './compose-file';
import { AppFacts, checkCrossReferences } from './cross-references';
import { lintDockerfile } from './dockerfile-lint';
import { deployCommands, EXAMPLE_VALUES, templateArguments } from './deploy-commands';
import { deployRenderingChecks } from './deploy-checks';
import { compareRenderings } from './equivalence';
import { isRecord, validateKubernetesObject } from './kubernetes-schema';
import { describeProblems, Problem } from './problem';
import { checkReadmeSecrets } from './readme-secrets';
import { allPipelineScripts, readPipelineFiles, scriptFileName, scriptForShellcheck } from './pipelines';
import { runFlagsFor } from './run-flags';
import { parseYamlDocuments, YamlDocument } from './yaml-documents';

const ROOT = resolve(__dirname, '..', '..');
const INFRA = join(ROOT, 'infrastructure');
const HELM = process.env.HELM ?? join(ROOT, '.tools', 'helm', 'helm');
const SETTINGS_SECRET = 'm8e-settings';

/** The README's placeholder substitution, with the values the chart is rendered with to compare. */
const MICROSERVICE_PLACEHOLDERS = {
  '{microservice-space}': 'billing-space',
  '{microservice-common}': 'common-space',
  '{microservice-image}': 'registry.example.com/billing:1.4.0',
  '{microservice-domain}': 'billing.example.com',
};
const MICROSERVICE_VALUES = [
  '--namespace',
  'billing-space',
  '--set',
  'image.repository=registry.example.com/billing',
  '--set',
  'image.tag=1.4.0',
  '--set',
  'ingress.host=billing.example.com',
];
const COMMON_PLACEHOLDERS = {
  '{microservice-common}': 'common-space',
  '{lets-encrypt-email}': 'ops@example.com',
};
const COMMON_VALUES = ['--namespace', 'common-space', '--set', 'clusterIssuer.email=ops@example.com'];
/** Every optional part switched off: the templates' conditionals must still render valid objects. */
const MICROSERVICE_MINIMAL_VALUES = [
  '--namespace',
  'billing-space',
  '--set',
  'ingress.enabled=false',
  '--set',
  'autoscaling.enabled=false',
  '--set',
  'podDisruptionBudget.enabled=false',
  '--set',
  'networkPolicy.enabled=false',
  '--set',
  'database.enabled=false',
  '--set',
  'cronJobs=null',
];

let passed = 0;
let failed = 0;

function report(name: string, problems: readonly Problem[], notes: readonly string[] = []): void {
  for (const note of notes) console.log(`  note: ${note}`);
  if (problems.length === 0) {
    passed++;
    console.log(`ok: ${name}`);
  } else {
    failed++;
    console.log(`FAILED: ${name}\n${describeProblems(problems)}`);
  }
}

function attempt(name: string, work: () => { problems: Problem[]; notes?: string[] } | Problem[]): void {
  try {
    const result = work();
    if (Array.isArray(result)) report(name, result);
    else report(name, result.problems, result.notes);
  } catch (error) {
    report(name, [{ source: name, message: (error as Error).message.split('\n').slice(0, 6).join(' | ') }]);
  }
}

function readYaml(
  file: string,
  text = readFileSync(file, 'utf8'),
): { documents: YamlDocument[]; problems: Problem[] } {
  return parseYamlDocuments(text, file.startsWith(ROOT) ? file.slice(ROOT.length + 1) : file);
}

function substitute(text: string, placeholders: Record<string, string>): string {
  return Object.entries(placeholders).reduce((result, [from, to]) => result.split(from).join(to), text);
}

function helm(args: readonly string[]): string {
  return execFileSync(HELM, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Schema (strict) and cross-references of one rendering; `appImage` tells the app's containers. */
function checkRendering(
  rendering: { documents: YamlDocument[]; problems: Problem[] },
  facts: AppFacts,
  isAppImage: (image: string) => boolean,
  settingsSecrets: ReadonlySet<string> = new Set([SETTINGS_SECRET]),
): { problems: Problem[]; notes: string[] } {
  const problems = [...rendering.problems];
  for (const document of rendering.documents) problems.push(...validateKubernetesObject(document));
  problems.push(...unpinnedImages(rendering.documents, isAppImage));
  const cross = checkCrossReferences(rendering.documents, facts, { isAppImage, settingsSecrets });
  return { problems: [...problems, ...cross.problems], notes: cross.notes };
}

/** Third-party images carry a version tag; `latest` or no tag changes under a running system. */
function unpinnedImages(
  documents: readonly YamlDocument[],
  isAppImage: (image: string) => boolean,
): Problem[] {
  const problems: Problem[] = [];
  const visit = (value: unknown, source: string): void => {
    if (Array.isArray(value)) value.forEach((item) => visit(item, source));
    else if (isRecord(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'image' && typeof child === 'string' && !isAppImage(child)) {
          const tag = /:([^/:@]+)$/.exec(child)?.[1];
          if (!child.includes('@') && (!tag || tag === 'latest'))
            problems.push({ source, message: `image ${child} is not pinned to a version tag` });
        }
        visit(child, source);
      }
    }
  };
  for (const document of documents) visit(document.value, document.source);
  return problems;
}

function probePaths(files: readonly string[]): string[] {
  const paths = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/^\s*path:\s*(\/\S*)\s*$/gm)) paths.add(match[1]);
  }
  return [...paths];
}

async function staticChecks(): Promise<void> {
  const microservice = join(INFRA, 'k8s_microservice.yaml');
  const common = join(INFRA, 'k8s_common.yaml');
  const microserviceChart = join(INFRA, 'helm', 'microservice');
  const commonChart = join(INFRA, 'helm', 'common');
  const facts = await readAppFacts(
    probePaths([microservice, join(microserviceChart, 'templates', 'deployment.yaml')]),
  );
  const placeholderImage = (image: string) => image === '{microservice-image}';
  const billingImage = (image: string) => image === MICROSERVICE_PLACEHOLDERS['{microservice-image}'];

  attempt('kubernetes: infrastructure/k8s_microservice.yaml (strict schema, cross-references)', () =>
    checkRendering(readYaml(microservice), facts, placeholderImage),
  );
  attempt('kubernetes: infrastructure/k8s_common.yaml (strict schema, cross-references)', () =>
    checkRendering(readYaml(common), facts, placeholderImage),
  );
  for (const chart of [microserviceChart, commonChart]) {
    attempt(`helm lint --strict infrastructure/helm/${chart.split('/').pop()}`, () => {
      helm([
        'lint',
        '--strict',
        chart,
        ...(chart === commonChart ? ['--set', 'clusterIssuer.email=ops@example.com'] : []),
      ]);
      return [];
    });
  }
  attempt('helm template microservice, default values (strict schema, cross-references)', () =>
    checkRendering(
      readYaml('helm:microservice', helm(['template', 'microservice', microserviceChart])),
      facts,
      (image) => image.startsWith('registry.example.com/microservice:'),
    ),
  );
  attempt('helm template microservice, optional parts off (strict schema, cross-references)', () =>
    checkRendering(
      readYaml(
        'helm:microservice-minimal',
        helm(['template', 'microservice', microserviceChart, ...MICROSERVICE_MINIMAL_VALUES]),
      ),
      facts,
      (image) => image.startsWith('registry.example.com/microservice:'),
    ),
  );
  attempt('helm template common (strict schema, cross-references)', () =>
    checkRendering(
      readYaml('helm:common', helm(['template', 'common', commonChart, ...COMMON_VALUES])),
      facts,
      () => false,
    ),
  );
  attempt('helm chart microservice renders what k8s_microservice.yaml says', () => {
    const manifest = readYaml(
      microservice,
      substitute(readFileSync(microservice, 'utf8'), MICROSERVICE_PLACEHOLDERS),
    );
    const chart = readYaml(
      'helm:microservice',
      helm(['template', 'microservice', microserviceChart, ...MICROSERVICE_VALUES]),
    );
    const rendered = checkRendering(chart, facts, billingImage);
    return [
      ...manifest.problems,
      ...rendered.problems,
      ...compareRenderings(manifest.documents, chart.documents, 'microservice'),
    ];
  });
  attempt('helm chart common renders what k8s_common.yaml says', () => {
    const manifest = readYaml(common, substitute(readFileSync(common, 'utf8'), COMMON_PLACEHOLDERS));
    const chart = readYaml('helm:common', helm(['template', 'common', commonChart, ...COMMON_VALUES]));
    return [...manifest.problems, ...compareRenderings(manifest.documents, chart.documents, 'common')];
  });
  attempt('compose: infrastructure/docker-compose.yml (compose-spec schema, healthchecks, settings)', () => {
    const { documents, problems } = readYaml(join(INFRA, 'docker-compose.yml'));
    return [
      ...problems,
      ...documents.flatMap((document) => checkComposeFile(document, 'microservice', facts.settings)),
    ];
  });
  attempt('dockerfile: infrastructure/dockerfile (dockerfile-utils, pinned FROM, non-root, no secrets)', () =>
    lintDockerfile(readFileSync(join(INFRA, 'dockerfile'), 'utf8'), 'infrastructure/dockerfile'),
  );
  attempt(
    `README: every ${SETTINGS_SECRET} command holds settings the app reads and starts it in production`,
    () =>
      checkReadmeSecrets(
        readFileSync(join(ROOT, 'README.md'), 'utf8'),
        'README.md',
        SETTINGS_SECRET,
        facts.settings,
      ),
  );
  deployChecks(facts);
  console.log(`static checks: ${passed} passed, ${failed} failed`);
}

function deployChecks(facts: AppFacts): void {
  const { commands, problems } = deployCommands(allPipelineScripts(readPipelineFiles(ROOT)), EXAMPLE_VALUES);
  const checks = deployRenderingChecks(commands, problems, {
    root: ROOT,
    render: (command) => helm(templateArguments(command)),
    check: (source, text, isAppImage, settingsSecrets) =>
      checkRendering(readYaml(`helm:${source}`, text), facts, isAppImage, settingsSecrets),
  });
  for (const { name, run } of checks) attempt(name, run);
}

/** Each pipeline script as a file of its own in `dir`, for shellcheck (.ci/infrastructure-checks). */
function writePipelineScripts(dir: string): void {
  mkdirSync(dir, { recursive: true });
  allPipelineScripts(readPipelineFiles(ROOT)).forEach((script, index) => {
    writeFileSync(join(dir, scriptFileName(script, index)), scriptForShellcheck(script));
  });
}

function printRunFlags(): void {
  const { documents, problems } = readYaml(join(INFRA, 'k8s_microservice.yaml'));
  if (problems.length) throw new Error(describeProblems(problems));
  const { flags, args } = runFlagsFor(documents, 'microservice-dpl');
  console.log([...flags, '--', ...args].join('\n'));
}

async function main(command: string | undefined): Promise<number> {
  if (command === 'static') {
    await staticChecks();
    return failed === 0 ? 0 : 1;
  }
  if (command === 'run-flags') {
    printRunFlags();
    return 0;
  }
  if (command === 'pipeline-scripts' && process.argv[3]) {
    writePipelineScripts(process.argv[3]);
    return 0;
  }
  if (command === 'settings') {
    console.log([...settingsTheAppReads()].join('\n'));
    return 0;
  }
  console.error('usage: run-checks.ts static | run-flags | settings | pipeline-scripts DIR');
  return 2;
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`infrastructure checks: ${(error as Error).message}`);
    process.exit(1);
  },
);
