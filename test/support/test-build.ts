import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { transformFile } from '@swc/core';

/**
 * The processes the e2e tests start (the service, the CLI, the tests' own entries) run from
 * JavaScript that the run's global setup compiled once, as `npm start` runs dist/: through
 * @swc-node/register every process spent about a second more loading TypeScript and compiling
 * each file it imported. The environment variable names this run's build; without it (a run
 * without the e2e global setup, e.g. the system tests or test/faults) processes start from the
 * sources as before.
 */
export const TEST_BUILD_VARIABLE = 'TEST_BUILD_DIR';

/** The repository's root (spawn-service.ts re-exports it; this file imports none of the others). */
export const PROJECT_ROOT = join(__dirname, '..', '..');

/** Git-ignored; inside the repository so the compiled files resolve node_modules as the sources do. */
export const TEST_BUILD_ROOT = join(PROJECT_ROOT, '.test-build');

/** Directories compiled, mirrored below the build directory (specs left out). */
const COMPILED_DIRECTORIES = ['src', 'test'];
const SKIPPED = /(\.spec|\.e2e-spec|\.d)\.ts$/;
/** Read at run time relative to PROJECT_ROOT (src/settings/load-settings.ts, src/http/service-info.ts). */
const COPIED_FILES = ['package.json'];

/**
 * Compiles src/ and test/ with the project's .swcrc (decorators and their metadata, as Nest and
 * TypeORM need) into a directory of this run's own under .test-build/, with the same layout, so
 * `src/cli/cli.ts` runs as `<build>/src/cli/cli.js`. Every run compiles afresh (about half a
 * second), so the build is never older than the sources; a run of its own directory keeps
 * concurrent runs in one checkout apart. Directories of runs whose process is gone are removed.
 */
export async function compileTestBuild(): Promise<string> {
  removeAbandonedBuilds();
  const build = join(TEST_BUILD_ROOT, `run-${hostname()}-${process.pid}-${Date.now()}`);
  const { $schema: _schema, ...swcrc } = JSON.parse(
    readFileSync(join(PROJECT_ROOT, '.swcrc'), 'utf8'),
  ) as Record<string, unknown>;
  const sources = COMPILED_DIRECTORIES.flatMap((directory) => typeScriptFiles(join(PROJECT_ROOT, directory)));
  await Promise.all(
    sources.map(async (source) => {
      const output = join(build, relative(PROJECT_ROOT, source)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(output), { recursive: true });
      try {
        const { code, map } = await transformFile(source, {
          ...swcrc,
          swcrc: false,
          configFile: false,
          filename: source,
          sourceFileName: relative(dirname(output), source),
          inlineSourcesContent: false,
        });
        writeFileSync(output, map ? `${code}\n//# sourceMappingURL=${output.split(sep).pop()}.map\n` : code);
        if (map) writeFileSync(`${output}.map`, map);
      } catch (error) {
        // A file that does not compile fails the process that loads it, as with @swc-node/register,
        // not the whole run.
        const message = `${relative(PROJECT_ROOT, source)} did not compile: ${String(error)}`;
        writeFileSync(output, `throw new Error(${JSON.stringify(message)});\n`);
      }
    }),
  );
  for (const file of COPIED_FILES) writeFileSync(join(build, file), readFileSync(join(PROJECT_ROOT, file)));
  return build;
}

export function removeTestBuild(build: string | undefined): void {
  if (build && relative(TEST_BUILD_ROOT, build).startsWith('run-'))
    rmSync(build, { recursive: true, force: true });
}

/** The compiled copy of `entry` (a .ts file, absolute or relative to the project root) in this run's build, if any. */
export function compiledEntry(entry: string): string | undefined {
  const build = process.env[TEST_BUILD_VARIABLE];
  const path = relative(PROJECT_ROOT, resolve(PROJECT_ROOT, entry));
  if (!build || !path.endsWith('.ts') || path.startsWith('..')) return undefined;
  const compiled = join(build, path.replace(/\.ts$/, '.js'));
  return existsSync(compiled) ? compiled : undefined;
}

/**
 * The Node arguments that run `entry`: its compiled copy when this run has a build, else the
 * source through @swc-node/register. `source: true` keeps the source path where that is what a
 * test is about.
 */
export function nodeEntry(entry: string, options: { source?: boolean } = {}): string[] {
  const compiled = options.source ? undefined : compiledEntry(entry);
  return compiled ? [compiled] : ['-r', '@swc-node/register', resolve(PROJECT_ROOT, entry)];
}

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.isFile() && path.endsWith('.ts') && !SKIPPED.test(path) ? [path] : [];
  });
}

/** Builds of this machine's runs that ended without their teardown (another host's pids mean nothing here). */
function removeAbandonedBuilds(): void {
  if (!existsSync(TEST_BUILD_ROOT)) return;
  const ours = `run-${hostname()}-`;
  for (const name of readdirSync(TEST_BUILD_ROOT)) {
    const pid = name.startsWith(ours) ? Number(/^(\d+)-\d+$/.exec(name.slice(ours.length))?.[1]) : 0;
    if (pid && !isRunning(pid)) rmSync(join(TEST_BUILD_ROOT, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
