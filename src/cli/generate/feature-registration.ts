import { CliError } from '../cli-error';

/**
 * The two edits of existing files a feature needs, as text edits that change nothing else: the
 * module in AppModule's imports, the migration in the migrations list. Each returns the source
 * unchanged when the entry is already there.
 */

export const APP_MODULE_FILE = 'src/app.module.ts';
export const MIGRATIONS_INDEX_FILE = 'src/database/migrations/index.ts';

// AppModule.forRoot's imports end with the modules a caller adds; features go just before them.
const APP_MODULE_ANCHOR = /^([ \t]*)\.\.\.modules,$/m;
const MIGRATIONS_LIST = /(export const MIGRATIONS = \[)([^\]]*)(\];)/;

export function registerModule(source: string, moduleClass: string, importPath: string): string {
  if (new RegExp(`\\b${moduleClass}\\b`).test(source)) return source;
  const anchor = APP_MODULE_ANCHOR.exec(source);
  if (!anchor)
    throw new CliError(
      `${APP_MODULE_FILE}: no "...modules," line in AppModule.forRoot's imports to add ${moduleClass} before`,
    );
  const withEntry = `${source.slice(0, anchor.index)}${anchor[1]}${moduleClass},\n${source.slice(anchor.index)}`;
  return addImport(withEntry, `import { ${moduleClass} } from '${importPath}';`, APP_MODULE_FILE);
}

export function registerMigration(source: string, className: string, importPath: string): string {
  if (new RegExp(`\\b${className}\\b`).test(source)) return source;
  const list = MIGRATIONS_LIST.exec(source);
  if (!list)
    throw new CliError(
      `${MIGRATIONS_INDEX_FILE}: no "export const MIGRATIONS = [ … ];" to add ${className} to`,
    );
  const entries = list[2].trimEnd().replace(/,$/, '');
  const withEntry = source.replace(MIGRATIONS_LIST, `$1${entries},\n  ${className},\n$3`);
  return addImport(withEntry, `import { ${className} } from '${importPath}';`, MIGRATIONS_INDEX_FILE);
}

/** After the last top-level import. */
function addImport(source: string, line: string, file: string): string {
  const imports = [...source.matchAll(/^import [^;]+;$/gm)];
  const last = imports[imports.length - 1];
  if (!last) throw new CliError(`${file}: no import statement to add "${line}" after`);
  const end = last.index + last[0].length;
  return `${source.slice(0, end)}\n${line}${source.slice(end)}`;
}
