import { compareRenderings } from './equivalence';
import { YamlDocument } from './yaml-documents';

const service = (extra: Record<string, unknown> = {}, labels: Record<string, string> = {}): YamlDocument => ({
  source: 'doc',
  value: {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', labels: { app: 'web', ...labels } },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...extra },
  },
});

describe(compareRenderings.name, () => {
  it("ignores Helm's bookkeeping labels", () => {
    expect(
      compareRenderings(
        [service()],
        [service({}, { 'helm.sh/chart': 'web-1', 'app.kubernetes.io/managed-by': 'Helm' })],
        'web',
      ),
    ).toEqual([]);
  });

  it('reports a changed field, a missing and an extra object', () => {
    const problems = compareRenderings([service()], [service({ ports: [{ port: 81 }] })], 'web').map(
      (p) => p.message,
    );
    expect(problems).toEqual(['Service web: /spec/ports/0/port: manifest 80, chart 81 (chart: doc)']);
    expect(compareRenderings([service()], [], 'web').map((p) => p.message)).toEqual([
      'Service web is missing from the web chart',
    ]);
    expect(compareRenderings([], [service()], 'web').map((p) => p.message)).toEqual([
      'Service web is in the chart but not in the manifest',
    ]);
  });

  it('does not ignore other labels', () => {
    expect(compareRenderings([service()], [service({}, { tier: 'x' })], 'web')).toHaveLength(1);
  });
});
