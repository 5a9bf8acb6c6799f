import { isRecord } from './kubernetes-schema';
import { Problem } from './problem';
import { YamlDocument } from './yaml-documents';

/** What the app itself says, read from its code (see app-facts.ts). */
export interface AppFacts {
  /** Every environment variable the settings loader reads. */
  readonly settings: ReadonlySet<string>;
  /** Of the paths asked about, those the HTTP app serves with `GET`. */
  readonly routes: ReadonlySet<string>;
  /** Names of the CLI's commands. */
  readonly cliCommands: ReadonlySet<string>;
  /** The port the app serves /metrics on when its container sets no METRICS_PORT. */
  readonly metricsPort: number;
}

export interface CrossReferenceOptions {
  /** Tells the app's own containers (its image) from PostgreSQL's and RabbitMQ's. */
  readonly isAppImage: (image: string) => boolean;
  /** Secrets the app's containers may take settings from. */
  readonly settingsSecrets: ReadonlySet<string>;
}

/**
 * CLI commands the manifests may name before the code has them, and the feature that brings
 * them. Tolerated only while the CLI has no command of the same family (`jobs:`): the moment
 * the jobs feature lands, a CronJob naming a command it does not have fails this check.
 */
export const PENDING_CLI_COMMANDS: Readonly<Record<string, string>> = {
  'jobs:run': 'the scheduled-jobs feature (DESIGN.md › Scheduled jobs)',
};

type Obj = Record<string, unknown>;
type Labels = Readonly<Record<string, string>>;

interface PodTemplate {
  readonly owner: YamlDocument;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly spec: Obj;
}

interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
}

/** Checks that the objects of one rendering agree with each other and with the app. */
export function checkCrossReferences(
  documents: readonly YamlDocument[],
  facts: AppFacts,
  options: CrossReferenceOptions,
): { problems: Problem[]; notes: string[] } {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const report = (document: YamlDocument, message: string) =>
    problems.push({ source: document.source, message });
  const objects = documents.filter((document) => isRecord(document.value));
  const pods = objects.flatMap((document) => podTemplateOf(document, report));
  const byKind = (kind: string) => objects.filter((document) => (document.value as Obj).kind === kind);

  for (const pod of pods) {
    checkPodTemplate(pod, facts, options, report, notes, objects);
  }
  for (const document of byKind('Service')) checkService(document, pods, report);
  for (const document of byKind('Ingress')) {
    checkIngress(document, objects, report);
    checkMetricsNotRouted(document, objects, pods, facts, options, report);
  }
  for (const document of byKind('HorizontalPodAutoscaler')) checkAutoscaler(document, pods, report);
  for (const document of byKind('PodDisruptionBudget')) {
    const spec = record(document, 'spec');
    requireMatch(document, 'spec.selector', matchLabels(spec.selector), pods, namespaceOf(document), report);
  }
  for (const document of byKind('NetworkPolicy')) checkNetworkPolicy(document, pods, report);
  for (const document of byKind('StatefulSet')) {
    const serviceName = record(document, 'spec').serviceName;
    if (
      typeof serviceName === 'string' &&
      !findByName(objects, 'Service', serviceName, namespaceOf(document))
    ) {
      report(document, `spec.serviceName: no Service "${serviceName}"`);
    }
  }
  return { problems, notes };
}

function checkPodTemplate(
  pod: PodTemplate,
  facts: AppFacts,
  options: CrossReferenceOptions,
  report: (document: YamlDocument, message: string) => void,
  notes: string[],
  objects: readonly YamlDocument[],
): void {
  const where = `${pod.kind} ${pod.name}`;
  for (const volume of array(pod.spec.volumes)) {
    const claim =
      isRecord(volume) && isRecord(volume.persistentVolumeClaim)
        ? volume.persistentVolumeClaim.claimName
        : undefined;
    if (typeof claim === 'string' && !findByName(objects, 'PersistentVolumeClaim', claim, pod.namespace)) {
      report(pod.owner, `${where}: volume claims "${claim}", which no PersistentVolumeClaim defines`);
    }
  }
  for (const container of containersOf(pod.spec)) {
    const name = `${where} container ${String(container.name)}`;
    const ports = portsOf(container);
    for (const probeName of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const probe = container[probeName];
      if (!isRecord(probe) || !isRecord(probe.httpGet)) continue;
      const { path, port } = probe.httpGet;
      if (!portExists(ports, port))
        report(pod.owner, `${name}: ${probeName} port ${String(port)} is not a container port`);
      if (
        typeof image(container) === 'string' &&
        options.isAppImage(image(container)) &&
        !facts.routes.has(String(path))
      ) {
        report(pod.owner, `${name}: ${probeName} path ${String(path)} is not a GET route of the app`);
      }
    }
    if (!options.isAppImage(image(container))) continue;

    for (const source of array(container.envFrom)) {
      const secret = isRecord(source) && isRecord(source.secretRef) ? source.secretRef.name : undefined;
      if (typeof secret === 'string' && !options.settingsSecrets.has(secret)) {
        report(
          pod.owner,
          `${name}: envFrom secret "${secret}" is not the settings secret (${[...options.settingsSecrets].join(', ')})`,
        );
      }
    }
    for (const variable of array(container.env)) {
      if (isRecord(variable) && !facts.settings.has(String(variable.name))) {
        report(pod.owner, `${name}: env ${String(variable.name)} is not a setting the app reads`);
      }
    }
    const args = array(container.args).map(String);
    if (args[0] === 'cli' && args[1])
      checkCliCommand(args[1], facts, (message) => report(pod.owner, `${name}: ${message}`), notes);
  }
  // secretKeyRef into the settings secret from any container (PostgreSQL takes DATABASE_PASSWORD).
  for (const container of containersOf(pod.spec)) {
    for (const variable of array(container.env)) {
      const ref =
        isRecord(variable) && isRecord(variable.valueFrom) ? variable.valueFrom.secretKeyRef : undefined;
      if (
        isRecord(ref) &&
        options.settingsSecrets.has(String(ref.name)) &&
        !facts.settings.has(String(ref.key))
      ) {
        report(
          pod.owner,
          `${where}: secretKeyRef ${String(ref.name)}/${String(ref.key)} is not a setting the app reads`,
        );
      }
    }
  }
}

function checkCliCommand(
  command: string,
  facts: AppFacts,
  report: (message: string) => void,
  notes: string[],
): void {
  if (facts.cliCommands.has(command)) return;
  const family = command.split(':')[0];
  const hasFamily = [...facts.cliCommands].some((known) => known.startsWith(`${family}:`));
  const pending = PENDING_CLI_COMMANDS[command];
  if (pending && !hasFamily) {
    notes.push(`CLI command ${command} does not exist yet; tolerated until ${pending} lands`);
    return;
  }
  report(`runs CLI command "${command}", which the CLI does not have`);
}

function checkService(
  document: YamlDocument,
  pods: readonly PodTemplate[],
  report: (d: YamlDocument, m: string) => void,
): void {
  const spec = record(document, 'spec');
  if (!isRecord(spec.selector)) return; // a Service without selector points at manual endpoints
  const selected = requireMatch(
    document,
    'spec.selector',
    spec.selector as Labels,
    pods,
    namespaceOf(document),
    report,
  );
  for (const port of array(spec.ports)) {
    if (!isRecord(port)) continue;
    const target = port.targetPort ?? port.port;
    for (const pod of selected) {
      const ports = containersOf(pod.spec).flatMap(portsOf);
      if (!portExists(ports, target)) {
        report(
          document,
          `port ${String(port.name ?? port.port)}: targetPort ${String(target)} is not a container port of ${pod.kind} ${pod.name}`,
        );
      }
    }
  }
}

function checkIngress(
  document: YamlDocument,
  objects: readonly YamlDocument[],
  report: (d: YamlDocument, m: string) => void,
): void {
  const backends: Obj[] = [];
  const spec = record(document, 'spec');
  if (isRecord(spec.defaultBackend)) backends.push(spec.defaultBackend);
  for (const rule of array(spec.rules)) {
    const paths = isRecord(rule) && isRecord(rule.http) ? array(rule.http.paths) : [];
    for (const path of paths) if (isRecord(path) && isRecord(path.backend)) backends.push(path.backend);
  }
  for (const backend of backends) {
    if (!isRecord(backend.service)) continue;
    const { name, port } = backend.service;
    const service = findByName(objects, 'Service', String(name), namespaceOf(document));
    if (!service) {
      report(document, `backend service "${String(name)}" does not exist`);
      continue;
    }
    const servicePorts = array(record(service, 'spec').ports).filter(isRecord);
    const wanted = isRecord(port) ? (port.name ?? port.number) : undefined;
    if (!servicePorts.some((p) => p.name === wanted || p.port === wanted)) {
      report(document, `backend port ${String(wanted)} is not a port of Service ${String(name)}`);
    }
  }
  const hosts = new Set(array(spec.rules).map((rule) => (isRecord(rule) ? rule.host : undefined)));
  for (const tls of array(spec.tls)) {
    for (const host of isRecord(tls) ? array(tls.hosts) : []) {
      if (!hosts.has(host)) report(document, `tls host ${String(host)} has no rule`);
    }
  }
}

/**
 * /metrics is for in-cluster scrapers only: no Ingress backend may lead, through its Service,
 * to the app container's metrics port, nor to any app port while METRICS_PORT=main puts /metrics
 * on the HTTP port. A METRICS_PORT from the settings secret cannot be seen here; the container's
 * `env` and the app's default can.
 */
function checkMetricsNotRouted(
  document: YamlDocument,
  objects: readonly YamlDocument[],
  pods: readonly PodTemplate[],
  facts: AppFacts,
  options: CrossReferenceOptions,
  report: (d: YamlDocument, m: string) => void,
): void {
  const namespace = namespaceOf(document);
  for (const backend of ingressBackends(document)) {
    const service = findByName(objects, 'Service', String(backend.name), namespace);
    const selector = service && record(service, 'spec').selector;
    if (!service || !isRecord(selector)) continue; // checkIngress reports a missing Service
    const servicePort = array(record(service, 'spec').ports)
      .filter(isRecord)
      .find((p) => p.name === backend.port || p.port === backend.port);
    if (!servicePort) continue;
    const target = servicePort.targetPort ?? servicePort.port;
    const selected = pods.filter(
      (pod) => pod.namespace === namespace && labelsMatch(selector as Labels, pod.labels),
    );
    for (const pod of selected) {
      for (const container of containersOf(pod.spec)) {
        if (!options.isAppImage(image(container))) continue;
        const reached = portsOf(container).find((port) => portExists([port], target));
        if (!reached) continue;
        const metricsPort = metricsPortOf(container, facts);
        const where = `backend ${String(backend.name)}:${String(backend.port)} reaches ${pod.kind} ${pod.name}`;
        if (metricsPort === 'main')
          report(
            document,
            `${where}, whose METRICS_PORT=main serves /metrics on that port: keep /metrics off the Ingress`,
          );
        else if (reached.containerPort === metricsPort)
          report(
            document,
            `${where} on its metrics port ${metricsPort}: /metrics must not be exposed through the Ingress`,
          );
      }
    }
  }
}

function ingressBackends(document: YamlDocument): { name: unknown; port: unknown }[] {
  const spec = record(document, 'spec');
  const backends: unknown[] = [spec.defaultBackend];
  for (const rule of array(spec.rules)) {
    const paths = isRecord(rule) && isRecord(rule.http) ? array(rule.http.paths) : [];
    for (const path of paths) if (isRecord(path)) backends.push(path.backend);
  }
  return backends.flatMap((backend) => {
    if (!isRecord(backend) || !isRecord(backend.service)) return [];
    const { name, port } = backend.service;
    return [{ name, port: isRecord(port) ? (port.name ?? port.number) : undefined }];
  });
}

function metricsPortOf(container: Obj, facts: AppFacts): number | 'main' {
  const variable = array(container.env).find((entry) => isRecord(entry) && entry.name === 'METRICS_PORT');
  const value = isRecord(variable) ? variable.value : undefined;
  if (value === 'main') return 'main';
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : facts.metricsPort;
}

function checkAutoscaler(
  document: YamlDocument,
  pods: readonly PodTemplate[],
  report: (d: YamlDocument, m: string) => void,
): void {
  const spec = record(document, 'spec');
  const target = isRecord(spec.scaleTargetRef) ? spec.scaleTargetRef : {};
  const pod = pods.find(
    (p) => p.kind === target.kind && p.name === target.name && p.namespace === namespaceOf(document),
  );
  if (!pod) {
    report(document, `scaleTargetRef ${String(target.kind)} ${String(target.name)} does not exist`);
    return;
  }
  for (const metric of array(spec.metrics)) {
    const resource = isRecord(metric) && isRecord(metric.resource) ? String(metric.resource.name) : undefined;
    if (!resource) continue;
    for (const container of containersOf(pod.spec)) {
      const requests =
        isRecord(container.resources) && isRecord(container.resources.requests)
          ? container.resources.requests
          : {};
      if (requests[resource] === undefined) {
        report(
          document,
          `scales on ${resource} but container ${String(container.name)} of ${pod.name} requests no ${resource}`,
        );
      }
    }
  }
}

function checkNetworkPolicy(
  document: YamlDocument,
  pods: readonly PodTemplate[],
  report: (d: YamlDocument, m: string) => void,
): void {
  const spec = record(document, 'spec');
  const namespace = namespaceOf(document);
  const selected = requireMatch(
    document,
    'spec.podSelector',
    matchLabels(spec.podSelector),
    pods,
    namespace,
    report,
  );
  if (selected.length === 0) return; // already reported; its ports cannot be checked
  const ports = selected.flatMap((pod) => containersOf(pod.spec).flatMap(portsOf));
  for (const rule of array(spec.ingress)) {
    if (!isRecord(rule)) continue;
    for (const port of array(rule.ports)) {
      if (isRecord(port) && !portExists(ports, port.port)) {
        report(document, `ingress port ${String(port.port)} is not a container port of the selected pods`);
      }
    }
    for (const peer of array(rule.from)) {
      // A podSelector without namespaceSelector selects pods of this namespace, which we can see.
      if (isRecord(peer) && isRecord(peer.podSelector) && !isRecord(peer.namespaceSelector)) {
        requireMatch(
          document,
          'ingress.from.podSelector',
          matchLabels(peer.podSelector),
          pods,
          namespace,
          report,
        );
      }
    }
  }
}

/** The pods a label selector picks; a selector that picks none is a problem. */
function requireMatch(
  document: YamlDocument,
  field: string,
  selector: Labels | undefined,
  pods: readonly PodTemplate[],
  namespace: string,
  report: (d: YamlDocument, m: string) => void,
): PodTemplate[] {
  if (selector === undefined) {
    report(document, `${field}: only matchLabels selectors are checked; use matchLabels`);
    return [];
  }
  if (Object.keys(selector).length === 0) return pods.filter((pod) => pod.namespace === namespace);
  const selected = pods.filter((pod) => pod.namespace === namespace && labelsMatch(selector, pod.labels));
  if (selected.length === 0) report(document, `${field} ${JSON.stringify(selector)} matches no pod template`);
  return selected;
}

function podTemplateOf(document: YamlDocument, report: (d: YamlDocument, m: string) => void): PodTemplate[] {
  const object = document.value as Obj;
  const kind = String(object.kind);
  const spec = isRecord(object.spec) ? object.spec : {};
  let template: unknown;
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(kind))
    template = spec.template;
  else if (kind === 'CronJob' && isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec))
    template = spec.jobTemplate.spec.template;
  if (!isRecord(template)) return [];
  const labels =
    isRecord(template.metadata) && isRecord(template.metadata.labels)
      ? (template.metadata.labels as Labels)
      : {};
  if (kind !== 'CronJob' && kind !== 'Job') {
    const selector = matchLabels(spec.selector);
    if (selector === undefined || !labelsMatch(selector, labels)) {
      report(
        document,
        `spec.selector ${JSON.stringify(selector)} does not match the pod template's labels ${JSON.stringify(labels)}`,
      );
    }
  }
  const name = isRecord(object.metadata) ? String(object.metadata.name) : '?';
  return [
    {
      owner: document,
      kind,
      name,
      namespace: namespaceOf(document),
      labels,
      spec: isRecord(template.spec) ? template.spec : {},
    },
  ];
}

function labelsMatch(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function matchLabels(selector: unknown): Labels | undefined {
  if (!isRecord(selector)) return undefined;
  if (selector.matchExpressions !== undefined) return undefined;
  return isRecord(selector.matchLabels) ? (selector.matchLabels as Labels) : {};
}

function containersOf(spec: Obj): Obj[] {
  return [...array(spec.initContainers), ...array(spec.containers)].filter(isRecord);
}

function portsOf(container: Obj): ContainerPort[] {
  return array(container.ports).filter(isRecord) as unknown as ContainerPort[];
}

function portExists(ports: readonly ContainerPort[], port: unknown): boolean {
  return ports.some((candidate) =>
    typeof port === 'string' ? candidate.name === port : candidate.containerPort === port,
  );
}

function image(container: Obj): string {
  return typeof container.image === 'string' ? container.image : '';
}

function findByName(
  objects: readonly YamlDocument[],
  kind: string,
  name: string,
  namespace: string,
): YamlDocument | undefined {
  return objects.find((document) => {
    const object = document.value as Obj;
    return (
      object.kind === kind &&
      isRecord(object.metadata) &&
      object.metadata.name === name &&
      namespaceOf(document) === namespace
    );
  });
}

function namespaceOf(document: YamlDocument): string {
  const metadata = (document.value as Obj).metadata;
  return isRecord(metadata) && typeof metadata.namespace === 'string' ? metadata.namespace : '';
}

function record(document: YamlDocument, key: string): Obj {
  const value = (document.value as Obj)[key];
  return isRecord(value) ? value : {};
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
