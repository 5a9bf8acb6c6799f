import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { CliError } from '../cli-error';
import { deriveFeatureNames, FeatureNames } from './feature-names';
import {
  APP_MODULE_FILE,
  MIGRATIONS_INDEX_FILE,
  registerMigration,
  registerModule,
} from './feature-registration';
import {
  controllerFile,
  createDtoFile,
  entityFile,
  FeatureOptions,
  listQueryFile,
  moduleFile,
  responseFile,
  serviceFile,
  syncFile,
  updateDtoFile,
} from './feature-source.templates';
import { e2eSpecFile, migrationClassName, migrationFile, serviceSpecFile } from './feature-tests.templates';

export interface PlannedFile {
  /** Relative to the project root, with `/`. */
  readonly path: string;
  readonly content: string;
  /** False for the existing files the feature is registered in. */
  readonly isNew: boolean;
}

export interface FeaturePlan {
  readonly names: FeatureNames;
  readonly files: readonly PlannedFile[];
}

const MIGRATIONS_DIR = 'src/database/migrations';

/**
 * Everything `generate feature` would write, formatted, without writing anything. Refuses (one
 * line) a name whose folder, files, table, route, module or `cqrs_id` already exists.
 */
export async function planFeature(root: string, name: string, options: FeatureOptions): Promise<FeaturePlan> {
  const n = deriveFeatureNames(name);
  refuseExisting(root, n);
  const dir = `src/${n.kebabPlural}`;
  const timestamp = nextMigrationTimestamp(root);
  const migrationBase = `${timestamp}-create-${n.kebabPlural}`;
  const created: [string, string][] = [
    [`${dir}/${n.kebabPlural}.module.ts`, moduleFile(n, options)],
    [`${dir}/${n.kebabPlural}.controller.ts`, controllerFile(n)],
    [`${dir}/${n.kebabPlural}.service.ts`, serviceFile(n, options)],
    [`${dir}/${n.kebabPlural}.service.spec.ts`, serviceSpecFile(n, options)],
    [`${dir}/${n.kebab}.entity.ts`, entityFile(n, options)],
    ...(options.isSyncMaster ? [[`${dir}/${n.kebab}.sync.ts`, syncFile(n)] as [string, string]] : []),
    [`${dir}/dto/create-${n.kebab}.dto.ts`, createDtoFile(n)],
    [`${dir}/dto/update-${n.kebab}.dto.ts`, updateDtoFile(n)],
    [`${dir}/dto/list-${n.kebabPlural}.query.ts`, listQueryFile(n)],
    [`${dir}/dto/${n.kebab}.response.ts`, responseFile(n)],
    [`${MIGRATIONS_DIR}/${migrationBase}.ts`, migrationFile(n, timestamp, options)],
    [`test/e2e/${n.kebabPlural}.e2e-spec.ts`, e2eSpecFile(n, options)],
  ];
  const taken = created.find(([path]) => existsSync(join(root, path)));
  if (taken) throw new CliError(`${taken[0]} already exists; nothing was written`);

  const edited: [string, string][] = [
    [
      APP_MODULE_FILE,
      registerModule(
        read(root, APP_MODULE_FILE),
        `${n.pascalPlural}Module`,
        `./${n.kebabPlural}/${n.kebabPlural}.module`,
      ),
    ],
    [
      MIGRATIONS_INDEX_FILE,
      registerMigration(
        read(root, MIGRATIONS_INDEX_FILE),
        migrationClassName(n, timestamp),
        `./${migrationBase}`,
      ),
    ],
  ];
  const format = await loadFormatter(root);
  const files: PlannedFile[] = [];
  for (const [path, content] of created)
    files.push({ path, content: await format(path, content), isNew: true });
  for (const [path, content] of edited)
    files.push({ path, content: await format(path, content), isNew: false });
  return { names: n, files };
}

/** Writes every planned file (folders included). */
export function writePlan(root: string, plan: FeaturePlan): void {
  for (const file of plan.files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
  }
}

function refuseExisting(root: string, n: FeatureNames): void {
  const refuse = (what: string, where: string) =>
    new CliError(`${what} already exists (${where}); choose another name, nothing was written`);
  for (const dir of [n.kebabPlural, n.kebab]) {
    if (existsSync(join(root, 'src', dir))) throw refuse(`feature "${n.kebab}"`, `src/${dir}`);
  }
  const sources = listTypeScript(join(root, 'src')).map((file) => ({
    path: relative(root, file).split('\\').join('/'),
    text: readFileSync(file, 'utf8'),
  }));
  const table = new RegExp(`@Entity\\(\\s*(\\{\\s*name:\\s*)?'${n.table}'|\\bname: '${n.table}',`);
  const route = new RegExp(`@Controller\\(\\s*'/?api/${n.kebabPlural}/?'`);
  const moduleClass = new RegExp(`\\bclass ${n.pascalPlural}Module\\b|\\bclass ${n.pascal}\\b`);
  const cqrsId = new RegExp(`cqrsId: '${n.snake}'`);
  for (const { path, text } of sources) {
    if (table.test(text)) throw refuse(`table "${n.table}"`, path);
    if (route.test(text)) throw refuse(`route /api/${n.kebabPlural}`, path);
    if (moduleClass.test(text)) throw refuse(`class ${n.pascal} or ${n.pascalPlural}Module`, path);
    if (cqrsId.test(text)) throw refuse(`cqrs_id "${n.snake}"`, path);
  }
}

/** Now, or just after the newest migration if the clock says otherwise: the list stays in order. */
function nextMigrationTimestamp(root: string): number {
  const newest = readdirSync(join(root, MIGRATIONS_DIR))
    .map((file) => /^(\d{13})-/.exec(file)?.[1])
    .filter((stamp): stamp is string => stamp !== undefined)
    .reduce((max, stamp) => Math.max(max, Number(stamp)), 0);
  return Math.max(Date.now(), newest + 1);
}

function listTypeScript(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTypeScript(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

type Formatter = (path: string, content: string) => Promise<string>;

/** The project's own Prettier settings, so what is written passes `prettier --check` as it is. */
async function loadFormatter(root: string): Promise<Formatter> {
  let prettier: typeof import('prettier');
  try {
    prettier = await import('prettier');
  } catch {
    // The production image has no dev dependencies; generating code is a development task.
    throw new CliError('generate needs the development dependencies (prettier): run npm install');
  }
  return async (path, content) => {
    const filepath = join(root, path);
    const config = await prettier.resolveConfig(filepath);
    return prettier.format(content, { ...config, filepath });
  };
}
