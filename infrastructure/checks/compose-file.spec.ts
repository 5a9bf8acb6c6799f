import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { checkComposeFile } from './compose-file';
import { parseYamlDocuments } from './yaml-documents';

const SETTINGS = new Set([
  'DEBUG',
  'DATABASE_URL',
  'DATABASE_PASSWORD',
  'AMQP_URL',
  'ALLOWED_HOSTS',
  'SERVICE_NAME',
]);
const COMPOSE = readFileSync(join(__dirname, '..', 'docker-compose.yml'), 'utf8');

function check(text: string): string[] {
  const { documents, problems } = parseYamlDocuments(text, 'compose');
  return [
    ...problems,
    ...documents.flatMap((document) => checkComposeFile(document, 'microservice', SETTINGS)),
  ].map((problem) => problem.message);
}

describe(checkComposeFile.name, () => {
  it('accepts the shipped docker-compose.yml', () => {
    expect(check(COMPOSE)).toEqual([]);
  });

  it('rejects a misspelt key, a wrong type and a duplicate key', () => {
    expect(check(COMPOSE.replace('    stop_grace_period: 30s', '    stop_grace_priod: 30s'))).toEqual([
      '/services/microservice: must NOT have additional properties "stop_grace_priod"',
    ]);
    expect(check(COMPOSE.replace('    read_only: true', '    read_only: [true]'))).toEqual([
      '/services/microservice/read_only: must be boolean',
    ]);
    expect(
      check(COMPOSE.replace('    read_only: true', '    read_only: true\n    read_only: false'))[0],
    ).toMatch(/DUPLICATE_KEY/);
  });

  it('requires healthchecks, service_healthy conditions and known settings', () => {
    const compose = parse(COMPOSE) as { services: Record<string, Record<string, unknown>> };
    delete compose.services.postgres.healthcheck;
    expect(check(stringify(compose))).toEqual(['service postgres: no healthcheck']);
    expect(check(COMPOSE.replace('condition: service_healthy', 'condition: service_started'))).toEqual([
      'service microservice: depends_on postgres must wait for condition service_healthy',
    ]);
    expect(check(COMPOSE.replace('SERVICE_NAME:', 'SERVICE:'))).toEqual([
      'service microservice: environment SERVICE is not a setting the app reads',
    ]);
  });
});
