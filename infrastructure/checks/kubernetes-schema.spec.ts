import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateKubernetesObject } from './kubernetes-schema';
import { parseYamlDocuments } from './yaml-documents';

const INFRA = join(__dirname, '..');

function deployment(spec: Record<string, unknown>): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'web:1', resources: { limits: { memory: '1Gi' } } }] },
      },
      ...spec,
    },
  };
}

const messages = (value: unknown) =>
  validateKubernetesObject({ source: 'test', value }).map((p) => p.message);

describe(validateKubernetesObject.name, () => {
  it('accepts a valid Deployment, maps such as labels and limits included', () => {
    expect(messages(deployment({ replicas: 2 }))).toEqual([]);
  });

  it('rejects a misspelt field such as replica:', () => {
    expect(messages(deployment({ replica: 2 }))).toEqual(['/spec/replica: unknown field "replica"']);
  });

  it('rejects an unknown field deep inside a pod template', () => {
    const value = deployment({}) as { spec: { template: { spec: Record<string, unknown> } } };
    value.spec.template.spec.contaners = [];
    expect(messages(value)).toEqual(['/spec/template/spec/contaners: unknown field "contaners"']);
  });

  it('rejects a wrong type', () => {
    expect(messages(deployment({ replicas: 'two' }))).toEqual(['/spec/replicas: must be integer']);
  });

  it('rejects a missing required field and an unknown kind', () => {
    expect(
      messages({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: {} }),
    ).toEqual(expect.arrayContaining(['/spec: required field "selector" is missing']));
    expect(messages({ apiVersion: 'example.com/v1', kind: 'Widget' })[0]).toMatch(
      /no schema for example.com\/v1 Widget/,
    );
  });

  it.each(['k8s_microservice.yaml', 'k8s_common.yaml'])('accepts every object of %s', (file) => {
    const { documents, problems } = parseYamlDocuments(readFileSync(join(INFRA, file), 'utf8'), file);
    expect(problems).toEqual([]);
    expect(documents.length).toBeGreaterThan(3);
    expect(documents.flatMap((document) => validateKubernetesObject(document))).toEqual([]);
  });
});
