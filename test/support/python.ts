import { spawnSync } from 'node:child_process';

export interface PythonNeed {
  /** What has to import, e.g. `pika` or `google.protobuf`. */
  readonly module: string;
  /** The apt packages that provide it (and any other command the check runs). */
  readonly aptPackages: string;
  /** What is skipped without it, for the warning. */
  readonly check: string;
  /** Commands the check runs besides python, e.g. `protoc`. */
  readonly commands?: readonly string[];
}

/**
 * A python3 that imports `need.module`: the first on PATH (PYTHON_PEER names another), else the
 * system one (apt's python3-* packages install for /usr/bin/python3, which a pyenv shim on PATH
 * hides). Under CI=true none fails the suite (`.ci/run` installs the packages); elsewhere the
 * check is skipped, loudly.
 */
export function findPython(need: PythonNeed): string | null {
  const tried: string[] = [];
  const missing = (need.commands ?? []).filter(
    (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0,
  );
  if (missing.length === 0) {
    for (const python of [process.env.PYTHON_PEER ?? 'python3', '/usr/bin/python3']) {
      const probe = spawnSync(python, ['-c', `import ${need.module}`], { encoding: 'utf8', timeout: 10_000 });
      if (probe.status === 0) return python;
      tried.push(probe.error ? `${python}: not found` : `${python}: cannot import ${need.module}`);
    }
  } else tried.push(`${missing.join(', ')} not found`);
  const reason = `no python3 with ${need.module} (${tried.join('; ')})`;
  if (process.env.CI === 'true')
    throw new Error(`${reason}: CI must provide it (apt-get install ${need.aptPackages}; .ci/run does)`);
  process.stderr.write(`\n  SKIPPING ${need.check}: ${reason} (apt-get install ${need.aptPackages})\n\n`);
  return null;
}
