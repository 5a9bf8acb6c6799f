import { renameText } from './rename-rules';
import { nameProblem, namesFor } from './template-names';

const template = { name: 'microservice', secretName: 'm8e-settings' };
const billing = namesFor('billing');

describe(renameText.name, () => {
  it('rewrites derived names in manifests and keeps paths, placeholders and prose', () => {
    const yaml = [
      'name: microservice-dpl',
      "namespace: '{microservice-space}'",
      'secretRef: { name: m8e-settings }',
      '# The microservice (see infrastructure/helm/microservice and k8s_microservice.yaml)',
      'host: microservice.example.com',
    ].join('\n');
    expect(renameText('infrastructure/x.yaml', yaml, template, billing)).toBe(
      [
        'name: billing-dpl',
        "namespace: '{microservice-space}'",
        'secretRef: { name: billing-settings }',
        '# The microservice (see infrastructure/helm/microservice and k8s_microservice.yaml)',
        'host: billing.example.com',
      ].join('\n'),
    );
  });

  it('rewrites the metrics prefix, with "_" for "-", and keeps k8s_microservice', () => {
    const readme = '`microservice_http_request_duration_seconds` (see k8s_microservice.yaml)';
    expect(renameText('README.md', readme, template, namesFor('billing-api'))).toBe(
      '`billing_api_http_request_duration_seconds` (see k8s_microservice.yaml)',
    );
    expect(renameText('a.ts', "expect(text).toContain('microservice_process_cpu');", template, billing)).toBe(
      "expect(text).toContain('billing_process_cpu');",
    );
  });

  it("rewrites CI variables' defaults and keeps the variables' names", () => {
    const ci = [
      'env:',
      "  IMAGE_NAME: ${{ vars.IMAGE_NAME || 'registry.example.com/microservice' }}",
      '  MICROSERVICE_NAME: microservice',
      '  MICROSERVICE_NAMESPACE: microservice-space',
      '  SECRET_SETTINGS_NAME: m8e-settings',
    ].join('\n');
    expect(renameText('.github/workflows/deploy.yml', ci, template, billing)).toBe(
      [
        'env:',
        "  IMAGE_NAME: ${{ vars.IMAGE_NAME || 'registry.example.com/billing' }}",
        '  MICROSERVICE_NAME: billing',
        '  MICROSERVICE_NAMESPACE: billing-space',
        '  SECRET_SETTINGS_NAME: billing-settings',
      ].join('\n'),
    );
    expect(renameText('.gitlab-ci.yml', 'MICROSERVICE_NAME: "microservice"', template, billing)).toBe(
      'MICROSERVICE_NAME: "billing"',
    );
  });

  it('touches only string literals (and the secret) in code', () => {
    const code = [
      "import { Transport } from '@nestjs/microservices';",
      'const microservice = app.connectMicroservice({});',
      "run(documents, 'microservice-dpl'); // the microservice-dpl Deployment",
      "const chart = join(INFRA, 'helm', 'microservice');",
      'expect(x).toMatch(/secretKeyRef m8e-settings/);',
    ].join('\n');
    expect(renameText('a.ts', code, template, billing)).toBe(
      [
        "import { Transport } from '@nestjs/microservices';",
        'const microservice = app.connectMicroservice({});',
        "run(documents, 'billing-dpl'); // the microservice-dpl Deployment",
        "const chart = join(INFRA, 'helm', 'microservice');",
        'expect(x).toMatch(/secretKeyRef billing-settings/);',
      ].join('\n'),
    );
  });

  it('is idempotent and leaves the changelog alone', () => {
    const once = renameText(
      'README.md',
      'kubectl rollout status deployment/microservice-dpl',
      template,
      billing,
    );
    expect(renameText('README.md', once, billing, billing)).toBe(once);
    expect(renameText('CHANGELOG.md', 'microservice-dpl', template, billing)).toBe('microservice-dpl');
  });
});

describe(nameProblem.name, () => {
  it.each(['billing', 'order-api', 'a1', 'x'])('accepts %p', (name) =>
    expect(nameProblem(name)).toBeUndefined(),
  );
  it.each(['Billing', 'order_api', '-a', 'a-', '1a', '', 'a'.repeat(41)])('refuses %p', (name) =>
    expect(nameProblem(name)).toEqual(expect.any(String)),
  );
});
