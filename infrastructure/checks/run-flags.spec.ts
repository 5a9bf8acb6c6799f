import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFlagsFor } from './run-flags';
import { parseYamlDocuments } from './yaml-documents';

describe(runFlagsFor.name, () => {
  it('runs the image the way microservice-dpl runs it', () => {
    const { documents } = parseYamlDocuments(
      readFileSync(join(__dirname, '..', 'k8s_microservice.yaml'), 'utf8'),
      'k8s',
    );
    expect(runFlagsFor(documents, 'microservice-dpl')).toEqual({
      flags: [
        '--user=1000:1000',
        '--read-only',
        '--security-opt=no-new-privileges',
        '--cap-drop=ALL',
        '--tmpfs=/tmp',
        `--memory=${384 * 2 ** 20}`,
        '--cpus=1',
        '--env=TRUST_PROXY=1',
        '--env=METRICS_PORT=9464',
      ],
      args: ['serve'],
    });
    expect(() => runFlagsFor(documents, 'nope')).toThrow('no Deployment nope');
  });
});
