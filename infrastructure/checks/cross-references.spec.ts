import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppFacts, checkCrossReferences } from './cross-references';
import { parseYamlDocuments, YamlDocument } from './yaml-documents';

const FACTS: AppFacts = {
  settings: new Set(['SECRET_KEY', 'DATABASE_URL', 'DATABASE_PASSWORD', 'TRUST_PROXY', 'METRICS_PORT']),
  routes: new Set(['/health/live', '/health/ready']),
  cliCommands: new Set(['migrate', 'createuser', 'jobs:list', 'jobs:run']),
  metricsPort: 9464,
};
const OPTIONS = {
  isAppImage: (image: string) => image === '{microservice-image}',
  settingsSecrets: new Set(['m8e-settings']),
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the specs edit any field of parsed YAML
type Edited = any;

/** The real manifest, edited by `edit` (documents found by kind and name). */
function manifest(
  edit: (find: (kind: string, name: string) => Edited) => void = () => undefined,
): YamlDocument[] {
  const text = readFileSync(join(__dirname, '..', 'k8s_microservice.yaml'), 'utf8');
  const { documents } = parseYamlDocuments(text, 'k8s_microservice.yaml');
  edit(
    (kind, name) =>
      documents.find((d: Edited) => d.value.kind === kind && d.value.metadata.name === name)!.value,
  );
  return documents;
}

const messagesFor = (documents: YamlDocument[], facts: AppFacts = FACTS) =>
  checkCrossReferences(documents, facts, OPTIONS).problems.map((problem) => problem.message);

describe(checkCrossReferences.name, () => {
  it('finds nothing wrong in the shipped manifest', () => {
    const result = checkCrossReferences(manifest(), FACTS, OPTIONS);
    expect(result.problems).toEqual([]);
    expect(result.notes).toEqual([]);
  });

  it("catches a Deployment whose selector does not match its pod template's labels", () => {
    const documents = manifest((find) => {
      find('Deployment', 'microservice-dpl').spec.selector.matchLabels['app.kubernetes.io/component'] = 'web';
    });
    expect(messagesFor(documents)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^spec.selector .* does not match the pod template's labels/),
      ]),
    );
  });

  it('catches a Service whose selector matches no pods, and one whose targetPort is not a container port', () => {
    const wrongSelector = manifest((find) => {
      find('Service', 'microservice').spec.selector['app.kubernetes.io/name'] = 'microservce';
    });
    expect(messagesFor(wrongSelector)).toEqual([
      expect.stringMatching(/^spec.selector .* matches no pod template/),
    ]);
    const wrongPort = manifest((find) => {
      find('Service', 'microservice-db-depl').spec.ports[0].targetPort = 5433;
    });
    expect(messagesFor(wrongPort)).toEqual([
      'port postgres: targetPort 5433 is not a container port of Deployment microservice-db-depl',
    ]);
  });

  it('catches a probe path the app does not serve and a probe port that does not exist', () => {
    const documents = manifest((find) => {
      const container = find('Deployment', 'microservice-dpl').spec.template.spec.containers[0];
      container.readinessProbe.httpGet.path = '/health/redy';
      container.livenessProbe.httpGet.port = 'admin';
    });
    expect(messagesFor(documents)).toEqual([
      expect.stringMatching(/readinessProbe path \/health\/redy is not a GET route of the app/),
      expect.stringMatching(/livenessProbe port admin is not a container port/),
    ]);
  });

  it('catches env and secret keys that are not settings, and another secret', () => {
    const documents = manifest((find) => {
      const app = find('Deployment', 'microservice-dpl').spec.template.spec.containers[0];
      (app.env as unknown[]).push({ name: 'DATABASE_HOST', value: 'x' });
      app.envFrom[0].secretRef.name = 'settings';
      find(
        'Deployment',
        'microservice-db-depl',
      ).spec.template.spec.containers[0].env[2].valueFrom.secretKeyRef.key = 'DB_PASSWORD';
    });
    expect(messagesFor(documents)).toEqual([
      expect.stringMatching(/envFrom secret "settings" is not the settings secret/),
      expect.stringMatching(/env DATABASE_HOST is not a setting the app reads/),
      expect.stringMatching(/secretKeyRef m8e-settings\/DB_PASSWORD is not a setting the app reads/),
    ]);
  });

  it('catches an Ingress backend, an autoscaler target and a volume claim that do not exist', () => {
    const documents = manifest((find) => {
      find('Ingress', 'microservice').spec.rules[0].http.paths[0].backend.service.port.name = 'https';
      find('HorizontalPodAutoscaler', 'microservice-hpa').spec.scaleTargetRef.name = 'microservice';
      find(
        'Deployment',
        'microservice-db-depl',
      ).spec.template.spec.volumes[0].persistentVolumeClaim.claimName = 'db';
    });
    expect(messagesFor(documents)).toEqual([
      expect.stringMatching(/volume claims "db", which no PersistentVolumeClaim defines/),
      'backend port https is not a port of Service microservice',
      'scaleTargetRef Deployment microservice does not exist',
    ]);
  });

  it('catches an Ingress path that reaches the metrics port, by name, by number or by default', () => {
    const byName = manifest((find) => {
      (find('Ingress', 'microservice').spec.rules[0].http.paths as unknown[]).push({
        path: '/internal',
        pathType: 'Prefix',
        backend: { service: { name: 'microservice', port: { name: 'metrics' } } },
      });
    });
    expect(messagesFor(byName)).toEqual([
      'backend microservice:metrics reaches Deployment microservice-dpl on its metrics port 9464: /metrics must not be exposed through the Ingress',
    ]);
    // A Service port by number onto an unnamed container port, the app's default metrics port.
    const byNumber = manifest((find) => {
      const container = find('Deployment', 'microservice-dpl').spec.template.spec.containers[0];
      container.env = (container.env as { name: string }[]).filter(
        (variable) => variable.name !== 'METRICS_PORT',
      );
      container.ports[1] = { containerPort: 9464, protocol: 'TCP' };
      find('Service', 'microservice').spec.ports[1] = { port: 9090, targetPort: 9464, protocol: 'TCP' };
      find('Ingress', 'microservice').spec.defaultBackend = {
        service: { name: 'microservice', port: { number: 9090 } },
      };
      find('NetworkPolicy', 'microservice-ingress').spec.ingress[1].ports[0].port = 9464;
    });
    expect(messagesFor(byNumber)).toEqual([
      'backend microservice:9090 reaches Deployment microservice-dpl on its metrics port 9464: /metrics must not be exposed through the Ingress',
    ]);
  });

  it('catches METRICS_PORT=main on a container the Ingress routes to', () => {
    const documents = manifest((find) => {
      const env = find('Deployment', 'microservice-dpl').spec.template.spec.containers[0].env as {
        name: string;
        value: string;
      }[];
      env.find((variable) => variable.name === 'METRICS_PORT')!.value = 'main';
    });
    // Once per Ingress that routes to the pods: the service's own and the one closing /admin.
    const ingresses = documents.filter(
      (document) => (document.value as { kind?: string }).kind === 'Ingress',
    ).length;
    expect(ingresses).toBe(2);
    expect(messagesFor(documents)).toEqual(
      Array<string>(ingresses).fill(
        'backend microservice:http reaches Deployment microservice-dpl, whose METRICS_PORT=main serves /metrics on that port: keep /metrics off the Ingress',
      ),
    );
  });

  it('catches a NetworkPolicy or PodDisruptionBudget that selects no pods, or a port the pods lack', () => {
    const documents = manifest((find) => {
      find('NetworkPolicy', 'microservice-db').spec.podSelector.matchLabels['app.kubernetes.io/name'] = 'db';
      find('NetworkPolicy', 'microservice-ingress').spec.ingress[0].ports[0].port = 8080;
      find('PodDisruptionBudget', 'microservice-pdb').spec.selector.matchLabels[
        'app.kubernetes.io/component'
      ] = 'api';
    });
    expect(messagesFor(documents)).toEqual([
      expect.stringMatching(/^spec.selector .* matches no pod template/),
      'ingress port 8080 is not a container port of the selected pods',
      expect.stringMatching(/^spec.podSelector .* matches no pod template/),
    ]);
  });

  it('catches a CLI command the CLI lacks; jobs:run only until the jobs commands exist', () => {
    const unknown = manifest((find) => {
      find('CronJob', 'microservice-job-example').spec.jobTemplate.spec.template.spec.containers[0].args = [
        'cli',
        'cleanup',
      ];
    });
    expect(messagesFor(unknown)).toEqual([
      expect.stringMatching(/runs CLI command "cleanup", which the CLI does not have/),
    ]);
    const withJobs: AppFacts = { ...FACTS, cliCommands: new Set(['migrate', 'jobs:list']) };
    expect(messagesFor(manifest(), withJobs)).toEqual([
      expect.stringMatching(/runs CLI command "jobs:run", which the CLI does not have/),
    ]);
    expect(messagesFor(manifest(), { ...FACTS, cliCommands: new Set(['jobs:list', 'jobs:run']) })).toEqual(
      [],
    );
  });
});
