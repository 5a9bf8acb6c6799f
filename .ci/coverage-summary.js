#!/usr/bin/env node
// The coverage table of a pipeline's summary (GitHub's step summary), from Jest's json-summary:
//   node .ci/coverage-summary.js coverage/coverage-summary.json
'use strict';
const { existsSync, readFileSync } = require('node:fs');

const file = process.argv[2] ?? 'coverage/coverage-summary.json';
if (!existsSync(file)) {
  // The tests did not get as far as writing it; the failing step says why.
  console.log(`No coverage: ${file} was not written.`);
  process.exit(0);
}
const { total } = JSON.parse(readFileSync(file, 'utf8'));
const rows = ['lines', 'statements', 'functions', 'branches'].map(
  (kind) => `| ${kind} | ${total[kind].pct} % | ${total[kind].covered} / ${total[kind].total} |`,
);
console.log(['### Coverage', '', '| | covered | |', '| --- | --- | --- |', ...rows].join('\n'));
