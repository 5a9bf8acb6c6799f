import { parseAllDocuments } from 'yaml';
import { Problem } from './problem';

/** A parsed YAML document and where it came from (`file#index`, index from 1). */
export interface YamlDocument {
  readonly source: string;
  readonly value: unknown;
}

/**
 * Parses a multi-document YAML stream strictly: a duplicate key, a syntax error or a YAML
 * warning is a problem, never a silent "last one wins". Empty documents (a trailing `---`)
 * are dropped.
 */
export function parseYamlDocuments(
  text: string,
  file: string,
): { documents: YamlDocument[]; problems: Problem[] } {
  const documents: YamlDocument[] = [];
  const problems: Problem[] = [];
  parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true }).forEach((document, index) => {
    const source = `${file}#${index + 1}`;
    for (const issue of [...document.errors, ...document.warnings]) {
      problems.push({ source, message: `YAML ${issue.code}: ${issue.message.split('\n')[0]}` });
    }
    if (document.errors.length > 0) return;
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) documents.push({ source, value });
  });
  return { documents, problems };
}
