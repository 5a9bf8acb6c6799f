import { TemplateNames } from './template-names';

/**
 * The rewrite of one file's text from the current names to new ones. Rules are patterns, not
 * lists of files, so files added later (CI workflows, manifests) are covered when they use the
 * names the way the existing ones do.
 */

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Files whose text is never rewritten: history, and the lock's registry data. */
export const UNTOUCHED_FILES: readonly RegExp[] = [
  /^CHANGELOG\.md$/,
  /(^|\/)\.tools\//,
  // The rename itself and its tests name the template on purpose.
  /^src\/cli\/rename\//,
  /^test\/e2e\/(rename|template-update|generate-feature)[^/]*$/,
];

/** Source files: only string literals are rewritten, never identifiers or comments. */
const CODE_FILE = /\.(ts|js|mjs|cjs)$/;

/**
 * Occurrences of the name that are not the service's name: file paths kept from the Django
 * template (k8s_microservice.yaml, helm/microservice/), and prose about "a microservice".
 * They are swapped for placeholders before the rewrite and restored after it.
 */
function keptPatterns(name: string): RegExp[] {
  const n = escape(name);
  return [
    new RegExp(`helm/${n}(?![\\w-])`, 'g'),
    new RegExp(`'helm', '${n}'`, 'g'),
    // The manifests' placeholders, replaced at deploy time: {microservice-space} and the like.
    new RegExp(`\\{${n}-(space|common|image|domain)\\}`, 'g'),
    new RegExp(`\\b(a|an|the|NestJS|bus|each|every|one) ${n}(?![\\w.:/-])`, 'gi'),
    new RegExp(`(?<![\\w-])${n} (template|service|services)\\b`, 'g'),
  ];
}

/** The name as a whole word: `microservice-dpl` and `{microservice-space}` yes, `k8s_microservice` no. */
const wordOf = (name: string) => new RegExp(`(?<![\\w])${escape(name)}(?![\\w])`, 'g');

/**
 * The metrics prefix spelt out (`microservice_http_request_duration_seconds` in the README and
 * tests): `-` is not allowed in a metric name, so `billing-api` becomes `billing_api_`.
 */
const metricsPrefixOf = (name: string) => new RegExp(`(?<![\\w-])${escape(metricsPrefix(name))}`, 'g');
const metricsPrefix = (name: string) => `${name.replace(/-/g, '_')}_`;

const STRING_LITERAL = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g;

export function renameText(path: string, text: string, from: TemplateNames, to: TemplateNames): string {
  if (UNTOUCHED_FILES.some((pattern) => pattern.test(path))) return text;
  const kept: string[] = [];
  let result = text;
  for (const pattern of keptPatterns(from.name)) {
    result = result.replace(pattern, (match) => `\uE000${kept.push(match) - 1}\uE000`);
  }
  // A private-use character marks kept text; the secret's name is never an identifier, so it is rewritten everywhere, regexes included.
  result = result.split(from.secretName).join(to.secretName);
  const rewrite = (segment: string) =>
    segment.replace(wordOf(from.name), to.name).replace(metricsPrefixOf(from.name), metricsPrefix(to.name));
  result = CODE_FILE.test(path) ? result.replace(STRING_LITERAL, rewrite) : rewrite(result);
  return result.replace(/\uE000(\d+)\uE000/g, (_match, index: string) => kept[Number(index)]);
}

/**
 * What may still hold the template's names after a rename: NestJS's own "microservice" API and
 * identifiers, prose, paths kept from the Django template, the manifests' placeholders, and
 * internal prefixes no user sees (metadata keys, temporary directories).
 */
export const ALLOWED_LEFTOVERS: readonly RegExp[] = [
  /@nestjs\/microservices|[A-Za-z]Microservices?\b|\bmicroservices\b|MICROSERVICE_/,
  /k8s_microservice|helm\/microservice|'helm', 'microservice'|\{microservice-(space|common|image|domain)\}/,
  /\b(a|an|the|NestJS|bus|each|every|one) microservice\b|microservice template/i,
  /\bmicroservice(Chart)?\b(?!['"-])/,
  // Internal prefixes no user sees: a metadata key, and temporary directories of tests and benches.
  /'m8e:scheduled-job'|tmpdir\(\), 'm8e-[a-z-]+-'/,
];
