import { EnvReader } from './env-reader';
import { SettingsError } from './settings-error';

/** Where spans go when tracing is on (`OTEL_TRACES_EXPORTER`). */
export type TraceExporterKind = 'otlp' | 'console';

/** OpenTelemetry tracing, read from the standard `OTEL_*` variables (see README "Observability"). */
export interface TracingSettings {
  readonly exporter: TraceExporterKind;
  /** The OTLP/HTTP (protobuf) traces URL, `…/v1/traces`. */
  readonly endpoint: string;
  /** Sent with every export (`OTEL_EXPORTER_OTLP_HEADERS`), e.g. an API key. */
  readonly headers: Readonly<Record<string, string>>;
  /** `service.name` of the spans: `OTEL_SERVICE_NAME`, else SERVICE_NAME. */
  readonly serviceName: string;
  /** Share of new traces recorded (0–1); a propagated parent's decision wins when `parentBased`. */
  readonly sampleRatio: number;
  readonly parentBased: boolean;
}

/**
 * Where `GET /metrics` is served (`METRICS_PORT`): a port of its own, which the Service exposes to
 * in-cluster scrapers and no Ingress routes to, or `main`, the HTTP port (single-port platforms,
 * where the ingress must then block the path). 0 picks a free port (tests).
 */
export type MetricsPort = number | 'main';

export const DEFAULT_METRICS_PORT = 9464;

export interface ObservabilitySettings {
  /** Put in front of every metric name, process metrics included (`METRICS_PREFIX`). */
  readonly metricsPrefix: string;
  readonly metricsPort: MetricsPort;
  /** null: tracing is off and no OpenTelemetry SDK module is loaded. */
  readonly tracing: TracingSettings | null;
}

// Prometheus metric name characters; the trailing `_` keeps `<prefix>http_…` readable.
const METRICS_PREFIX = /^[a-zA-Z_][a-zA-Z0-9_]{0,62}_$/;
const EXPORTERS = ['none', 'otlp', 'console'] as const;
const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

/** `billing-api` → `billing_api_`: the template's name as a Prometheus prefix. */
export function metricsPrefixOf(name: string): string {
  const bare = name.replace(/^@[^/]+\//, '').toLowerCase();
  const prefix = `${bare.replace(/[^a-z0-9_]+/g, '_')}_`;
  return /^[a-z_]/.test(prefix) ? prefix : `_${prefix}`;
}

export function parseObservabilitySettings(
  env: EnvReader,
  defaults: { readonly packageName: string; readonly serviceName: string; readonly httpPort: number },
): ObservabilitySettings {
  const metricsPrefix = env.string('METRICS_PREFIX') ?? metricsPrefixOf(defaults.packageName);
  if (!METRICS_PREFIX.test(metricsPrefix)) {
    throw new SettingsError(
      'METRICS_PREFIX',
      'must be letters, digits and "_", start with a letter or "_" and end with "_" (max 64)',
    );
  }
  return Object.freeze({
    metricsPrefix,
    metricsPort: parseMetricsPort(env, defaults.httpPort),
    tracing: parseTracing(env, defaults.serviceName),
  });
}

function parseMetricsPort(env: EnvReader, httpPort: number): MetricsPort {
  const value = env.string('METRICS_PORT');
  if (value === 'main') return 'main';
  const port = value === undefined ? DEFAULT_METRICS_PORT : Number(value);
  if (!/^\d{1,5}$/.test(value ?? '0') || port > 65535)
    throw new SettingsError('METRICS_PORT', 'must be a port number (0-65535) or main');
  // Two listeners on one port cannot both start; `main` says what was meant.
  if (port === httpPort)
    throw new SettingsError(
      'METRICS_PORT',
      'must differ from PORT (set it to main to serve /metrics on PORT)',
    );
  return port;
}

/**
 * Off unless OTEL_TRACES_EXPORTER names an exporter: the OpenTelemetry default (`otlp`) would
 * turn tracing on for every deployment that never asked for it. OTEL_SDK_DISABLED=true wins.
 */
function parseTracing(env: EnvReader, serviceName: string): TracingSettings | null {
  const disabled = env.bool('OTEL_SDK_DISABLED', false);
  const exporter = env.oneOf('OTEL_TRACES_EXPORTER', EXPORTERS, 'none');
  if (disabled || exporter === 'none') return null;
  const protocol = env.string('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  env.oneOf(protocol, ['http/protobuf'] as const, 'http/protobuf');
  const sampler = env.oneOf('OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on');
  return Object.freeze({
    exporter,
    endpoint: parseEndpoint(env),
    headers: Object.freeze({
      ...parseHeaders(env, 'OTEL_EXPORTER_OTLP_HEADERS'),
      ...parseHeaders(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
    }),
    serviceName: parseServiceName(env, serviceName),
    sampleRatio: parseRatio(env, sampler),
    parentBased: sampler.startsWith('parentbased_'),
  });
}

/** The signal-specific URL is used as given; the base URL gets `/v1/traces` (the OTLP spec's rule). */
function parseEndpoint(env: EnvReader): string {
  const traces = env.string('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const name = traces === undefined ? 'OTEL_EXPORTER_OTLP_ENDPOINT' : 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT';
  const value = traces ?? env.string('OTEL_EXPORTER_OTLP_ENDPOINT') ?? DEFAULT_OTLP_ENDPOINT;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError(name, 'must be an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SettingsError(name, 'must be an http:// or https:// URL');
  return traces === undefined ? `${value.replace(/\/+$/, '')}/v1/traces` : value;
}

/** `key1=value1,key2=value2`, values percent-encoded (the W3C Baggage format the spec uses). */
function parseHeaders(env: EnvReader, name: string): Record<string, string> {
  const value = env.string(name);
  if (value === undefined) return {};
  const headers: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim();
    if (at <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key))
      throw new SettingsError(name, 'must list key=value pairs separated by commas');
    try {
      headers[key.toLowerCase()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      throw new SettingsError(name, 'has a value that is not valid percent-encoding');
    }
  }
  return headers;
}

function parseServiceName(env: EnvReader, fallback: string): string {
  const value = env.string('OTEL_SERVICE_NAME') ?? fallback;
  if (value.length > 255) throw new SettingsError('OTEL_SERVICE_NAME', 'must be at most 255 characters');
  return value;
}

function parseRatio(env: EnvReader, sampler: (typeof SAMPLERS)[number]): number {
  if (sampler.endsWith('always_on')) return 1;
  if (sampler.endsWith('always_off')) return 0;
  const value = env.string('OTEL_TRACES_SAMPLER_ARG') ?? '1';
  const ratio = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || ratio > 1)
    throw new SettingsError('OTEL_TRACES_SAMPLER_ARG', 'must be a number between 0 and 1');
  return ratio;
}
