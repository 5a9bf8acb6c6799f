import { isDeepStrictEqual } from 'node:util';
import { isRecord } from './kubernetes-schema';
import { Problem } from './problem';
import { YamlDocument } from './yaml-documents';

/**
 * Helm's bookkeeping, in top-level metadata only (never in a selector or a pod template):
 * its labels, and annotations for Helm itself such as helm.sh/resource-policy.
 */
const CHART_ONLY_LABELS = ['helm.sh/chart', 'app.kubernetes.io/managed-by'];
const isChartOnlyAnnotation = (key: string) => key.startsWith('helm.sh/');

/**
 * The chart and the plain manifests must describe the same objects: same kinds and names,
 * and field for field the same content, once Helm's bookkeeping labels are set aside.
 */
export function compareRenderings(
  manifest: readonly YamlDocument[],
  chart: readonly YamlDocument[],
  chartName: string,
): Problem[] {
  const problems: Problem[] = [];
  const byId = (documents: readonly YamlDocument[]) =>
    new Map(documents.map((document) => [objectId(document.value), document] as const));
  const fromManifest = byId(manifest);
  const fromChart = byId(chart);
  for (const [id, document] of fromManifest) {
    const rendered = fromChart.get(id);
    if (!rendered) {
      problems.push({ source: document.source, message: `${id} is missing from the ${chartName} chart` });
      continue;
    }
    for (const difference of differences(document.value, withoutChartLabels(rendered.value), '').slice(
      0,
      5,
    )) {
      problems.push({ source: document.source, message: `${id}: ${difference} (chart: ${rendered.source})` });
    }
  }
  for (const [id, document] of fromChart) {
    if (!fromManifest.has(id))
      problems.push({ source: document.source, message: `${id} is in the chart but not in the manifest` });
  }
  return problems;
}

function objectId(value: unknown): string {
  if (!isRecord(value)) return '?';
  const name = isRecord(value.metadata) ? value.metadata.name : undefined;
  return `${String(value.kind)} ${String(name)}`;
}

function withoutChartLabels(value: unknown): unknown {
  if (!isRecord(value) || !isRecord(value.metadata)) return value;
  const metadata: Record<string, unknown> = { ...value.metadata };
  const keep = (field: string, isChartOnly: (key: string) => boolean) => {
    const map = metadata[field];
    if (!isRecord(map)) return;
    const kept = Object.entries(map).filter(([key]) => !isChartOnly(key));
    if (kept.length > 0) metadata[field] = Object.fromEntries(kept);
    else delete metadata[field];
  };
  keep('labels', (key) => CHART_ONLY_LABELS.includes(key));
  keep('annotations', isChartOnlyAnnotation);
  return { ...value, metadata };
}

function differences(expected: unknown, actual: unknown, path: string): string[] {
  if (isDeepStrictEqual(expected, actual)) return [];
  if (isRecord(expected) && isRecord(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    return [...keys].flatMap((key) => differences(expected[key], actual[key], `${path}/${key}`));
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    return expected.flatMap((item, index) => differences(item, actual[index], `${path}/${index}`));
  }
  return [`${path || '/'}: manifest ${JSON.stringify(expected)}, chart ${JSON.stringify(actual)}`];
}
