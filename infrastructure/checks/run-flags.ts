import { isRecord } from './kubernetes-schema';
import { YamlDocument } from './yaml-documents';

/**
 * `docker run` / `podman run` flags that reproduce how a Deployment runs its first
 * container: user, read-only root filesystem, emptyDir mounts as tmpfs, dropped
 * capabilities, no privilege escalation, memory and CPU limits, literal env, and args.
 * The image check runs the image with these, so it is tested the way the cluster runs it.
 */
export function runFlagsFor(
  documents: readonly YamlDocument[],
  deployment: string,
): { flags: string[]; args: string[] } {
  const document = documents.find(
    (d) =>
      isRecord(d.value) &&
      d.value.kind === 'Deployment' &&
      isRecord(d.value.metadata) &&
      d.value.metadata.name === deployment,
  );
  if (!document) throw new Error(`no Deployment ${deployment}`);
  const pod = dig(document.value, 'spec', 'template', 'spec');
  const container = (Array.isArray(pod.containers) ? pod.containers : [])[0] as
    Record<string, unknown> | undefined;
  if (!isRecord(container)) throw new Error(`Deployment ${deployment} has no container`);
  const podSecurity = dig(pod, 'securityContext');
  const security = dig(container, 'securityContext');
  const flags: string[] = [];

  const user = scalar(security.runAsUser ?? podSecurity.runAsUser);
  const group = scalar(security.runAsGroup ?? podSecurity.runAsGroup);
  if (user !== undefined) flags.push(`--user=${user}${group !== undefined ? `:${group}` : ''}`);
  if (security.readOnlyRootFilesystem === true) flags.push('--read-only');
  if (security.allowPrivilegeEscalation === false) flags.push('--security-opt=no-new-privileges');
  const capabilities = dig(security, 'capabilities');
  for (const capability of Array.isArray(capabilities.drop) ? capabilities.drop : [])
    flags.push(`--cap-drop=${String(capability)}`);

  const emptyDirs = new Set(
    (Array.isArray(pod.volumes) ? pod.volumes : [])
      .filter((v) => isRecord(v) && isRecord(v.emptyDir))
      .map((v) => (v as { name: string }).name),
  );
  for (const mount of Array.isArray(container.volumeMounts) ? container.volumeMounts : []) {
    if (isRecord(mount) && emptyDirs.has(String(mount.name)))
      flags.push(`--tmpfs=${String(mount.mountPath)}`);
  }
  const limits = dig(container, 'resources', 'limits');
  if (typeof limits.memory === 'string') flags.push(`--memory=${toBytes(limits.memory)}`);
  const cpu = scalar(limits.cpu);
  if (cpu !== undefined) flags.push(`--cpus=${toCpus(cpu)}`);
  for (const variable of Array.isArray(container.env) ? container.env : []) {
    if (isRecord(variable) && typeof variable.value === 'string')
      flags.push(`--env=${String(variable.name)}=${variable.value}`);
  }
  const args = (Array.isArray(container.args) ? container.args : []).map(String);
  return { flags, args };
}

function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function dig(value: unknown, ...keys: string[]): Record<string, unknown> {
  let current = value;
  for (const key of keys) current = isRecord(current) ? current[key] : undefined;
  return isRecord(current) ? current : {};
}

const BINARY_UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };

function toBytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  if (!match) throw new Error(`memory limit ${quantity}: only Ki, Mi, Gi are supported here`);
  return Number(match[1]) * (match[2] ? BINARY_UNITS[match[2]] : 1);
}

function toCpus(quantity: string): string {
  return quantity.endsWith('m') ? String(Number(quantity.slice(0, -1)) / 1000) : quantity;
}
