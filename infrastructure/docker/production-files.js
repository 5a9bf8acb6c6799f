// Copies to OUT what production needs from APP (a tree with dist/ and production-only
// node_modules): every file Node can reach from the entry points, as traced by @vercel/nft,
// plus the few packages that are loaded by a computed name or read from disk rather than
// required. Everything else (TypeScript pulled in by @nestjs/swagger's compiler plugin,
// better-sqlite3's C sources and objects, source maps, docs, tests) stays behind.
//
// usage: node infrastructure/docker/production-files.js APP OUT
// A package your code loads by a computed name (require(variable), a driver name in a setting)
// must be added to DYNAMIC_ENTRY_POINTS; the image's smoke test fails when something is missing.
'use strict';
const { cpSync, existsSync, readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');
const { nodeFileTrace } = require('@vercel/nft');

const ENTRY_POINTS = ['dist/main.js', 'dist/cli/cli.js'];
// typeorm's PlatformTools.load(driverName) requires these by a name taken from the settings.
const DYNAMIC_ENTRY_POINTS = ['node_modules/better-sqlite3/lib/index.js', 'node_modules/pg/lib/index.js'];
// Served from disk by @fastify/send (Swagger UI's assets), so no require() points at them.
const ASSET_PACKAGES = ['node_modules/swagger-ui-dist'];
const ALWAYS = ['package.json'];

async function main(app, out) {
  if (!app || !out) throw new Error('usage: production-files.js APP OUT');
  const entries = [...ENTRY_POINTS, ...DYNAMIC_ENTRY_POINTS].map((file) => join(app, file));
  for (const entry of entries) {
    if (!existsSync(entry)) throw new Error(`entry point missing: ${relative(app, entry)}`);
  }
  const { fileList, warnings } = await nodeFileTrace(entries, { base: app, processCwd: app });
  const files = new Set([...fileList, ...ALWAYS]);
  for (const dir of ASSET_PACKAGES) {
    for (const file of walk(join(app, dir))) if (!file.endsWith('.map')) files.add(relative(app, file));
  }
  let bytes = 0;
  for (const file of files) {
    const from = join(app, file);
    if (!statSync(from).isFile()) continue;
    bytes += statSync(from).size;
    cpSync(from, join(out, file), { preserveTimestamps: true });
  }
  // Missing optional peers (kafkajs, ioredis, pino-pretty, …) are expected: list them, do not fail.
  const unresolved = [...warnings]
    .map((w) => /Cannot find module '([^']+)'/.exec(String(w))?.[1])
    .filter(Boolean);
  console.log(
    `production files: ${files.size} files, ${(bytes / 1e6).toFixed(1)} MB` +
      (unresolved.length ? `; not installed (optional): ${[...new Set(unresolved)].sort().join(', ')}` : ''),
  );
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

main(process.argv[2], process.argv[3]).catch((error) => {
  console.error(`production-files: ${error.message}`);
  process.exit(1);
});
