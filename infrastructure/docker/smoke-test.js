// Runs the pruned production tree once before it becomes the image, so a file the tracer
// left out fails the build instead of a deployment: the CLI migrates a SQLite file, the server
// starts in DEBUG (TypeORM + better-sqlite3, development keys), and the routes that load the
// most code answer: readiness, Swagger UI and its assets, the OpenAPI document, metrics (on their
// own port), the admin console's login page (loaded only when it is on, as in DEBUG) and a login
// attempt (scrypt, a database read). Keys and database live in a temporary directory
// that is deleted before this step ends, so they never reach a layer.
//
// usage: node infrastructure/docker/smoke-test.js APP
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

async function main(app) {
  const work = mkdtempSync(join(tmpdir(), 'smoke-'));
  const port = await freePort();
  const metricsPort = await freePort();
  const env = {
    PATH: process.env.PATH,
    DEBUG: 'true',
    DATABASE_URL: 'sqlite:///db.sqlite3',
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'warn',
    LOCAL_ENV_FILE: 'none',
  };
  let server;
  try {
    const cli = spawnSync('node', [join(app, 'dist/cli/cli.js'), 'migrate'], {
      cwd: work,
      env,
      encoding: 'utf8',
    });
    if (cli.status !== 0) throw new Error(`cli migrate exited ${cli.status}: ${cli.stderr || cli.stdout}`);
    server = spawn('node', [join(app, 'dist/main.js')], {
      cwd: work,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = new Promise((resolve) => server.once('exit', resolve));
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/health/ready`, exited);
    const html = await expectStatus(`${base}/docs`, 200);
    // The page links its assets relative to /docs (./docs/swagger-ui-bundle.js, …).
    for (const [, asset] of html.matchAll(/(?:src|href)="([^"]+\.(?:js|css|png))"/g)) {
      await expectStatus(new URL(asset, `${base}/docs`).href, 200);
    }
    await expectStatus(`${base}/docs-json`, 200);
    await expectStatus(`http://127.0.0.1:${metricsPort}/metrics`, 200);
    await expectStatus(`${base}/metrics`, 404);
    await expectStatus(`${base}/admin/login`, 200);
    await expectStatus(`${base}/`, 200);
    await expectStatus(`${base}/api/token/`, 401, { username: 'nobody', password: 'not-a-password' });
    server.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`server exited ${code} after SIGTERM`);
    console.log('smoke test: passed');
  } finally {
    server?.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

async function expectStatus(url, status, body) {
  const response = await fetch(url, {
    method: body ? 'POST' : 'GET',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (response.status !== status)
    throw new Error(`${url}: ${response.status} (expected ${status}) ${text.slice(0, 300)}`);
  return text;
}

async function waitFor(url, exited) {
  let stopped = false;
  void exited.then(() => (stopped = true));
  for (let attempt = 0; attempt < 150; attempt++) {
    if (stopped) throw new Error('the server exited during start-up');
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 within 30 s`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

main(process.argv[2]).catch((error) => {
  console.error(`smoke test: ${error.message}`);
  process.exit(1);
});
