import { EnvReader } from './env-reader';
import { metricsPrefixOf, parseObservabilitySettings } from './observability.schema';
import { settingsErrorOf } from '../../test/support/settings-error';

const parse = (env: Record<string, string>) =>
  parseObservabilitySettings(new EnvReader(env), {
    packageName: 'microservice',
    serviceName: 'orders',
    httpPort: 8000,
  });
const errorOf = (env: Record<string, string>) => settingsErrorOf(() => parse(env));

describe(parseObservabilitySettings.name, () => {
  it('prefixes metrics with the package name and leaves tracing off by default', () => {
    expect(parse({})).toEqual({ metricsPrefix: 'microservice_', metricsPort: 9464, tracing: null });
  });

  it.each([
    ['billing', 'billing_'],
    ['billing-api', 'billing_api_'],
    ['@acme/orders', 'orders_'],
    ['9lives', '_9lives_'],
  ])('turns the name %p into the prefix %p', (name, prefix) => {
    expect(metricsPrefixOf(name)).toBe(prefix);
  });

  it('takes METRICS_PREFIX over the name, and refuses one that is not a Prometheus name part', () => {
    expect(parse({ METRICS_PREFIX: 'shop_orders_' }).metricsPrefix).toBe('shop_orders_');
    for (const bad of ['orders', 'orders-api_', '1orders_', `${'a'.repeat(64)}_`])
      expect(errorOf({ METRICS_PREFIX: bad }).variable).toBe('METRICS_PREFIX');
  });

  it('serves metrics on METRICS_PORT, or on the HTTP port with main; refuses PORT itself and non-ports', () => {
    expect(parse({ METRICS_PORT: '9100' }).metricsPort).toBe(9100);
    expect(parse({ METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(parse({ METRICS_PORT: 'main' }).metricsPort).toBe('main');
    expect(errorOf({ METRICS_PORT: '8000' }).message).toContain('must differ from PORT');
    for (const bad of ['65536', '-1', 'off', '9464x'])
      expect(errorOf({ METRICS_PORT: bad }).variable).toBe('METRICS_PORT');
  });

  it('turns tracing on with OTEL_TRACES_EXPORTER=otlp, with the OTLP defaults', () => {
    expect(parse({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toEqual({
      exporter: 'otlp',
      endpoint: 'http://localhost:4318/v1/traces',
      headers: {},
      serviceName: 'orders',
      sampleRatio: 1,
      parentBased: true,
    });
  });

  it('stays off with an endpoint alone, with none, and with OTEL_SDK_DISABLED=true', () => {
    expect(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toBeNull();
    expect(parse({ OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeNull();
    expect(parse({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }).tracing).toBeNull();
  });

  it('reads the endpoint, headers, service name and sampler the OpenTelemetry way', () => {
    const tracing = parse({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D,X-Team=orders',
      OTEL_SERVICE_NAME: 'orders-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).tracing;
    expect(tracing).toMatchObject({
      endpoint: 'https://otlp.example.com:4318/v1/traces',
      headers: { 'x-api-key': 'abc==', 'x-team': 'orders' },
      serviceName: 'orders-eu',
      sampleRatio: 0.25,
      parentBased: true,
    });
    // The signal's own URL is used as given.
    expect(
      parse({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom' })
        .tracing?.endpoint,
    ).toBe('http://c:4318/custom');
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'jaeger' }, 'OTEL_TRACES_EXPORTER'],
    [{ OTEL_SDK_DISABLED: 'maybe' }, 'OTEL_SDK_DISABLED'],
    [
      { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ],
    [
      { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://c' },
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    ],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }, 'OTEL_EXPORTER_OTLP_HEADERS'],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER'],
    [
      { OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' },
      'OTEL_TRACES_SAMPLER_ARG',
    ],
  ])('refuses %p naming %s', (env, variable) => {
    expect(errorOf(env).variable).toBe(variable);
  });
});
