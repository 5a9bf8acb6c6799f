/**
 * Start-up counted in instructions rather than milliseconds: valgrind's callgrind counts what a
 * process executes from exec to its first 200, which stays the same for the same work whatever
 * else the machine is doing (four runs of one build on the development VM: 5.27–5.49 G, three of
 * them within 1 %, where two wall-clock starts differ by ±200 ms). So a change to start-up too small for the cold-start
 * figure to show (a package no longer loaded: −3.3 % on 2026-12-03) can be seen here. The service
 * (dist/, its production flags and settings, SQLite migrated before) and the bare Nest app are
 * counted side by side, one per core. About 70 s; skipped in `--quick` runs and without valgrind.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { servedNodeFlags } from '../infrastructure/checks/served-node-flags';
import { generateRsaKeyPair } from '../test/support/keys';
import { freePort } from '../test/support/ports';
import { waitForStatus } from '../test/support/spawn-service';
import { compiled } from './http.bench';
import { serviceEnv } from './http-targets';
import { isQuick } from './quick-mode';
import { writeResults } from './results';

const ROOT = join(__dirname, '..');
const READY_TIMEOUT_MS = 300_000;

interface Counted {
  name: string;
  /** Instructions from exec until the first 200 on `readyPath`. */
  instructions: number;
}

/** valgrind, and callgrind_control to dump its counters while the process runs. */
function hasValgrind(): boolean {
  return ['valgrind', 'callgrind_control'].every((tool) => spawnSync(tool, ['--version']).status === 0);
}

/** Runs `node nodeArgs` under callgrind until `readyUrl` answers 200, then reads the count. */
async function countUntilReady(
  name: string,
  nodeArgs: string[],
  env: Record<string, string>,
  readyUrl: string,
  outDir: string,
): Promise<Counted> {
  const prefix = join(outDir, `${name.replace(/\W+/g, '-')}.callgrind`);
  const child: ChildProcess = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${prefix}`, process.execPath, ...nodeArgs],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' },
  );
  // Noticed at once, rather than after READY_TIMEOUT_MS of polling a process that is gone.
  const exited = new Promise<never>((_resolve, reject) =>
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} under valgrind`))),
  );
  exited.catch(() => undefined); // the SIGKILL below, once counted, is not a failure
  try {
    await Promise.race([waitForStatus(readyUrl, 200, READY_TIMEOUT_MS, 200), exited]);
    // A dump of the counters so far, written beside the final one as `<prefix>.1`.
    execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
    const dump = `${prefix}.1`;
    for (let waited = 0; waited < 30_000; waited += 200) {
      const summary = existsSync(dump) ? /^summary: (\d+)$/m.exec(readFileSync(dump, 'utf8')) : null;
      if (summary) return { name, instructions: Number(summary[1]) };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${name}: callgrind wrote no counters to ${dump}`);
  } finally {
    child.kill('SIGKILL');
  }
}

export async function runStartupInstructionsBench(): Promise<boolean> {
  if (isQuick) {
    console.log('\nstart-up instructions: skipped in a quick run (about 70 s under valgrind)');
    return true;
  }
  if (!hasValgrind()) {
    console.log('\nstart-up instructions: skipped, valgrind is not installed');
    return true;
  }
  const workdir = mkdtempSync(join(tmpdir(), 'm8e-startup-'));
  try {
    const { publicKey } = generateRsaKeyPair();
    const [servicePort, nestPort] = [await freePort(), await freePort()];
    const env = { ...serviceEnv(workdir, publicKey), PORT: String(servicePort) };
    // Migrated before, so the count is the start's alone.
    const migrate = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'cli.js'), 'migrate'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    if (migrate.status !== 0) throw new Error(`cli migrate exited ${migrate.status}: ${migrate.stderr}`);
    const [service, nest] = await Promise.all([
      countUntilReady(
        'service',
        [...servedNodeFlags(), join(ROOT, 'dist', 'main.js')],
        env,
        `http://127.0.0.1:${servicePort}/health/ready`,
        workdir,
      ),
      countUntilReady(
        'bare Nest',
        [compiled('servers/nest-minimal.ts'), String(nestPort), 'fastify'],
        {},
        `http://127.0.0.1:${nestPort}/hello`,
        workdir,
      ),
    ]);
    const ratio = service.instructions / nest.instructions;
    const giga = (counted: Counted) => (counted.instructions / 1e9).toFixed(2);
    console.log(
      `\nstart-up instructions, exec to the first 200 (valgrind callgrind): the service ${giga(service)} G, bare Nest ${giga(nest)} G = ${ratio.toFixed(2)}×`,
    );
    writeResults('startup-instructions', {
      service: service.instructions,
      bareNest: nest.instructions,
      ratioToBareNest: ratio,
    });
    return true;
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void runStartupInstructionsBench().then((met) => process.exit(met ? 0 : 1));
}
