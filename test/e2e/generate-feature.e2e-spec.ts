import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { POSTGRES_URL_VARIABLE } from '../support/database';
import { cliIn as cli, copyRepository, git } from '../support/repository-copy';

/**
 * `generate feature` as a team runs it: in a copy of this repository (node_modules linked), an
 * `invoice` feature and a `shipment` sync master are generated and committed; then the copy
 * type-checks, lints, is formatted, its migrations match the entities on both databases, and the
 * generated unit and e2e tests pass on SQLite and PostgreSQL. Refusals change nothing.
 */

const bin = (copy: string, tool: string) => join(copy, 'node_modules', '.bin', tool);
const run = (cwd: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) =>
  execFileSync(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });

interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
}

describe('npm run cli -- generate feature', () => {
  let copy: string;
  let generated: string[];

  beforeAll(() => {
    copy = copyRepository('generate-feature-copy-');
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it.each([
    ['Invoice', 'must be lowercase letters and digits'],
    ['-invoice', 'must be lowercase letters and digits'],
    ['users', 'is reserved by the template'],
    ['item', 'is reserved by the template'],
  ])(
    'refuses the name %p with one line and exit code 1, changing nothing (the unit spec has the rest)',
    (name, reason) => {
      const result = cli(copy, ['generate', 'feature', name]);
      expect(result.code).toBe(1);
      expect(result.stderr.startsWith(`error: feature name "${name}" ${reason}`)).toBe(true);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
      expect(git(copy, ['status', '--porcelain'])).toBe('');
    },
  );

  it('lists the files it would write with --dry-run and writes nothing', () => {
    const result = cli(copy, ['generate', 'feature', 'invoice', '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const line of [
      'would create src/invoices/invoices.module.ts',
      'would create src/invoices/invoices.controller.ts',
      'would create src/invoices/invoices.service.ts',
      'would create src/invoices/invoices.service.spec.ts',
      'would create src/invoices/invoice.entity.ts',
      'would create src/invoices/dto/create-invoice.dto.ts',
      'would create src/invoices/dto/update-invoice.dto.ts',
      'would create test/e2e/invoices.e2e-spec.ts',
      'would update src/app.module.ts',
      'would update src/database/migrations/index.ts',
    ])
      expect(result.stdout).toContain(`${line}\n`);
    expect(result.stdout).toMatch(/^would create src\/database\/migrations\/\d{13}-create-invoices\.ts$/m);
    expect(result.stdout).toContain('dry run: 13 file(s), nothing written');
    expect(git(copy, ['status', '--porcelain'])).toBe('');
  });

  it('writes invoice, and shipment as a sync master, and prints the next steps', () => {
    const invoice = cli(copy, ['generate', 'feature', 'invoice']);
    expect(invoice.stderr).toBe('');
    expect(invoice.code).toBe(0);
    expect(invoice.stdout).toContain('created src/invoices/invoices.module.ts\n');
    expect(invoice.stdout).toContain('npm run cli -- migrate');
    expect(invoice.stdout).toContain('npx jest src/invoices test/e2e/invoices.e2e-spec.ts');

    const shipment = cli(copy, ['generate', 'feature', 'shipment', '--sync-master']);
    expect(shipment.stderr).toBe('');
    expect(shipment.code).toBe(0);
    expect(shipment.stdout).toContain('created src/shipments/shipment.sync.ts\n');
    expect(shipment.stdout).toContain('data-sync master of cqrs_id shipment');

    generated = git(copy, ['status', '--porcelain', '--untracked-files=all'])
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3));
    expect(generated).toHaveLength(25); // 11 new files, 12 with the sync definition, 2 edited
    expect(generated).toEqual(
      expect.arrayContaining(['src/app.module.ts', 'src/database/migrations/index.ts']),
    );
    const appModule = readFileSync(join(copy, 'src', 'app.module.ts'), 'utf8');
    // Appended to AppModule.forRoot's imports, after the template's own modules.
    expect(appModule).toMatch(/\n\s+InvoicesModule,\n\s+ShipmentsModule,\n\s+\.\.\.modules,/);
    git(copy, ['add', '-A']);
    git(copy, ['commit', '-q', '-m', 'generate invoice and shipment']);
  });

  it.each([
    [['invoice'], 'feature "invoice" already exists (src/invoices)'],
    [['shipment', '--sync-master'], 'feature "shipment" already exists (src/shipments)'],
    [['invoices'], 'feature "invoices" already exists (src/invoices)'],
  ])('refuses %j again with one line and exit code 1, changing nothing', (args, message) => {
    const result = cli(copy, ['generate', 'feature', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: ${message}; choose another name, nothing was written\n`);
    expect(git(copy, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
  });

  it.each([
    [
      'invoice-line',
      'src/billing/invoice-line.entity.ts',
      "@Entity({ name: 'invoice_lines' })\nexport class LegacyInvoiceLine {}\n",
      'table "invoice_lines" already exists (src/billing/invoice-line.entity.ts)',
    ],
    [
      'payment',
      'src/billing/billing.controller.ts',
      "@Controller('api/payments')\nexport class BillingController {}\n",
      'route /api/payments already exists (src/billing/billing.controller.ts)',
    ],
  ])('refuses %p when a hand-written feature has its table or route', (name, file, text, message) => {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    writeFileSync(join(copy, file), text);
    const before = git(copy, ['status', '--porcelain', '--untracked-files=all']);
    const result = cli(copy, ['generate', 'feature', name]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: ${message}; choose another name, nothing was written\n`);
    expect(git(copy, ['status', '--porcelain', '--untracked-files=all'])).toBe(before);
    rmSync(join(copy, 'src', 'billing'), { recursive: true });
  });

  it('type-checks, lints and is Prettier-formatted as generated', () => {
    run(copy, bin(copy, 'tsc'), ['-p', 'tsconfig.json', '--noEmit']);
    const code = generated.filter((file) => file.endsWith('.ts'));
    run(copy, bin(copy, 'eslint'), ['--max-warnings=0', ...code]);
    run(copy, bin(copy, 'prettier'), ['--check', ...generated]);
  }, 180_000);

  it('writes migrations that match the entities on SQLite and PostgreSQL (migrate:generate finds nothing)', () => {
    const postgresUrl = process.env[POSTGRES_URL_VARIABLE];
    const args = ['-r', '@swc-node/register', 'src/cli/cli.ts', 'migrate:generate', 'generated-check'];
    if (postgresUrl) args.push('--postgres-url', postgresUrl);
    const output = run(copy, process.execPath, args, {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOCAL_ENV_FILE: 'none',
      DEBUG: 'true',
      DATABASE_URL: 'sqlite:///:memory:',
    });
    expect(output).toContain('no changes: the entities match the migrations');
    expect(git(copy, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
  }, 60_000);

  it('passes the generated unit and e2e tests, on SQLite and PostgreSQL', () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'm8e-generate-feature-'));
    const report = join(reportDir, 'jest.json');
    const suites = [
      'src/invoices',
      'src/shipments',
      'test/e2e/invoices.e2e-spec.ts',
      'test/e2e/shipments.e2e-spec.ts',
    ];
    const result = spawnSync(
      bin(copy, 'jest'),
      [...suites, '--runInBand', '--json', `--outputFile=${report}`],
      {
        cwd: copy,
        encoding: 'utf8',
        env: process.env,
      },
    );
    try {
      expect(result.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
      expect(result.status).toBe(0);
      const { numFailedTests, testResults } = JSON.parse(readFileSync(report, 'utf8')) as JestReport;
      expect(numFailedTests).toBe(0);
      expect(testResults.map((suite) => suite.name.slice(copy.length + 1)).sort()).toEqual([
        'src/invoices/invoices.service.spec.ts',
        'src/shipments/shipments.service.spec.ts',
        'test/e2e/invoices.e2e-spec.ts',
        'test/e2e/shipments.e2e-spec.ts',
      ]);
      const names = testResults.flatMap((suite) => suite.assertionResults.map((test) => test.fullName));
      const databases = process.env[POSTGRES_URL_VARIABLE] ? ['sqlite', 'postgres'] : ['sqlite'];
      for (const database of databases) {
        expect(names).toContain(`invoices API on ${database} creates, reads, updates and deletes`);
        expect(names).toContain(
          `shipments API on ${database} queues each change for the replicas as cqrs_id shipment, revision by revision`,
        );
      }
      expect(names).toContain(
        'ShipmentsService queues a SAVE per write and a DELETE for the replicas, in the same transaction as the change',
      );
    } finally {
      rmSync(reportDir, { recursive: true, force: true });
    }
  }, 240_000);
});
