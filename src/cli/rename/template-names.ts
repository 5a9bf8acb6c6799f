import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../cli-error';

/** The one place the service's own names live (template.json at the repository root). */
export const TEMPLATE_NAMES_FILE = 'template.json';

export interface TemplateNames {
  /** The service's name: package, SERVICE_NAME/queue, database, Kubernetes and Helm names. */
  readonly name: string;
  /** The Kubernetes secret with the settings (the Django template's `m8e-settings`). */
  readonly secretName: string;
}

// Services and CronJobs need a DNS-1035 label (a leading letter); the CronJob
// `<name>-job-example` must stay within 52 characters, hence 40 for the name.
const NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_NAME_LENGTH = 40;

/** Why `name` cannot be a service name, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name.length > MAX_NAME_LENGTH) return `is ${name.length} characters, at most ${MAX_NAME_LENGTH}`;
  if (!NAME_PATTERN.test(name)) {
    return 'must be lowercase letters, digits and "-", start with a letter and end with a letter or digit';
  }
  return undefined;
}

export function namesFor(name: string): TemplateNames {
  return { name, secretName: `${name}-settings` };
}

export function readTemplateNames(root: string): TemplateNames {
  const file = join(root, TEMPLATE_NAMES_FILE);
  let parsed: Partial<TemplateNames>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<TemplateNames>;
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof parsed.name !== 'string' || typeof parsed.secretName !== 'string') {
    throw new CliError(`${file} must hold "name" and "secretName" strings`);
  }
  return { name: parsed.name, secretName: parsed.secretName };
}
