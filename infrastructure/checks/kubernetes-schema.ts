import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Problem } from './problem';
import { YamlDocument } from './yaml-documents';

/** The Kubernetes objects this template ships, by `apiVersion kind`, and their schema. */
const SCHEMAS: Readonly<Record<string, readonly [pkg: string, schema: string]>> = {
  'v1 ConfigMap': ['kubernetes-models', 'IoK8sApiCoreV1ConfigMap'],
  'v1 Namespace': ['kubernetes-models', 'IoK8sApiCoreV1Namespace'],
  'v1 PersistentVolumeClaim': ['kubernetes-models', 'IoK8sApiCoreV1PersistentVolumeClaim'],
  'v1 Secret': ['kubernetes-models', 'IoK8sApiCoreV1Secret'],
  'v1 Service': ['kubernetes-models', 'IoK8sApiCoreV1Service'],
  'v1 ServiceAccount': ['kubernetes-models', 'IoK8sApiCoreV1ServiceAccount'],
  'apps/v1 Deployment': ['kubernetes-models', 'IoK8sApiAppsV1Deployment'],
  'apps/v1 StatefulSet': ['kubernetes-models', 'IoK8sApiAppsV1StatefulSet'],
  'batch/v1 CronJob': ['kubernetes-models', 'IoK8sApiBatchV1CronJob'],
  'batch/v1 Job': ['kubernetes-models', 'IoK8sApiBatchV1Job'],
  'autoscaling/v2 HorizontalPodAutoscaler': [
    'kubernetes-models',
    'IoK8sApiAutoscalingV2HorizontalPodAutoscaler',
  ],
  'policy/v1 PodDisruptionBudget': ['kubernetes-models', 'IoK8sApiPolicyV1PodDisruptionBudget'],
  'networking.k8s.io/v1 Ingress': ['kubernetes-models', 'IoK8sApiNetworkingV1Ingress'],
  'networking.k8s.io/v1 NetworkPolicy': ['kubernetes-models', 'IoK8sApiNetworkingV1NetworkPolicy'],
  'cert-manager.io/v1 ClusterIssuer': [
    '@kubernetes-models/cert-manager',
    'ComGithubCertManagerCertManagerPkgApisCertmanagerV1ClusterIssuer',
  ],
  'cert-manager.io/v1 Issuer': [
    '@kubernetes-models/cert-manager',
    'ComGithubCertManagerCertManagerPkgApisCertmanagerV1Issuer',
  ],
};

interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

/** An ajv standalone validator, as kubernetes-models compiles them from the OpenAPI schemas. */
type SchemaValidator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

/** Every object of a document with the keys a validator read from it. */
interface Visit {
  readonly path: string;
  readonly keys: readonly string[];
  readonly read: Set<string>;
}

/**
 * Validates one Kubernetes object against the schema of its kind, strictly: wrong types,
 * missing required fields, bad enums AND unknown fields (`replica:`, `contaners:`) are problems.
 *
 * kubernetes-models' validators ignore unknown fields, so the document is handed to the
 * validator behind proxies that record which keys it reads. A validator reads every key its
 * schema declares (and every key of a map such as `labels`); a key it never read is not in
 * the schema. Schema types that accept any content (none in our manifests) would show up here
 * as unknown fields, which is the safe side to err on.
 */
export function validateKubernetesObject(document: YamlDocument): Problem[] {
  const problem = (message: string): Problem => ({ source: document.source, message });
  const object = document.value;
  if (!isRecord(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
    return [problem('not a Kubernetes object (apiVersion and kind missing)')];
  }
  const key = `${object.apiVersion} ${object.kind}`;
  const entry = SCHEMAS[key];
  if (!entry) return [problem(`no schema for ${key}: add it to SCHEMAS in ${__filename}`)];
  const validate = loadValidator(entry[0], entry[1]);

  const visits: Visit[] = [];
  const isValid = validate(track(object, '', visits));
  const problems: Problem[] = [];
  if (!isValid) {
    for (const error of validate.errors ?? []) {
      problems.push(problem(`${error.instancePath || '/'}: ${describeSchemaError(error)}`));
    }
  }
  for (const visit of visits) {
    for (const name of visit.keys) {
      if (!visit.read.has(name)) problems.push(problem(`${visit.path}/${name}: unknown field "${name}"`));
    }
  }
  return problems;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function track(value: unknown, path: string, visits: Visit[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => track(item, `${path}/${index}`, visits));
  if (!isRecord(value)) return value;
  const read = new Set<string>();
  const keys = Object.keys(value);
  visits.push({ path, keys, read });
  const copy = Object.fromEntries(keys.map((name) => [name, track(value[name], `${path}/${name}`, visits)]));
  return new Proxy(copy, {
    get(target, property, receiver) {
      if (typeof property === 'string') read.add(property);
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

function describeSchemaError(error: SchemaError): string {
  const params = error.params;
  switch (error.keyword) {
    case 'type':
      return `must be ${String(params.type)}`;
    case 'required':
      return `required field "${String(params.missingProperty)}" is missing`;
    case 'enum':
      return `must be one of ${JSON.stringify(params.allowedValues)}`;
    case 'format':
      return `must match format ${String(params.format)}`;
    default:
      return error.message ?? `${error.keyword} ${JSON.stringify(params)}`;
  }
}

const validators = new Map<string, SchemaValidator>();

/**
 * The packages export their schemas to `import` only; a file path is loaded the same way by
 * Node (require of an ES module) and by Jest (through the project's transform).
 */
function loadValidator(pkg: string, schema: string): SchemaValidator {
  const file = join(packageDir(pkg), '_schemas', `${schema}.js`);
  let validate = validators.get(file);
  if (!validate) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- chosen by the document's kind
    validate = (require(file) as { validate: SchemaValidator }).validate;
    validators.set(file, validate);
  }
  return validate;
}

function packageDir(pkg: string): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`${pkg} is not installed: run npm ci`);
  }
}
