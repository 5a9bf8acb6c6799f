import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APP_MODULE_FILE,
  MIGRATIONS_INDEX_FILE,
  registerMigration,
  registerModule,
} from './feature-registration';

const ROOT = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

// Prettier's API cannot load under Jest's CommonJS runtime; the generate-feature e2e runs
// `prettier --check` on the edited files.

/** Only added lines: the edit leaves every existing line as it was. */
function addedLines(before: string, after: string): string[] {
  const remaining = before.split('\n');
  return after.split('\n').filter((line) => {
    const index = remaining.indexOf(line);
    if (index === -1) return true;
    remaining.splice(0, index + 1);
    return false;
  });
}

describe(registerModule.name, () => {
  const source = read(APP_MODULE_FILE);

  it('imports the module and lists it before the modules a caller adds, changing nothing else', () => {
    const updated = registerModule(source, 'InvoicesModule', './invoices/invoices.module');
    expect(addedLines(source, updated)).toEqual([
      "import { InvoicesModule } from './invoices/invoices.module';",
      '        InvoicesModule,',
    ]);
    expect(updated).toMatch(/ {8}InvoicesModule,\n {8}\.\.\.modules,/);
  });

  it('is idempotent', () => {
    const once = registerModule(source, 'InvoicesModule', './invoices/invoices.module');
    expect(registerModule(once, 'InvoicesModule', './invoices/invoices.module')).toBe(once);
  });

  it('refuses with one line when the anchor is gone', () => {
    expect(() => registerModule(source.replace('...modules,', ''), 'InvoicesModule', './x')).toThrow(
      /^src\/app\.module\.ts: no "\.\.\.modules," line/,
    );
  });
});

describe(registerMigration.name, () => {
  const source = read(MIGRATIONS_INDEX_FILE);

  it('imports the migration and appends it to the list, last', () => {
    const updated = registerMigration(
      source,
      'CreateInvoices1796000000000',
      './1796000000000-create-invoices',
    );
    expect(addedLines(source, updated)).toEqual([
      "import { CreateInvoices1796000000000 } from './1796000000000-create-invoices';",
      '  CreateInvoices1796000000000,',
    ]);
    expect(updated).toMatch(/ {2}CreateInvoices1796000000000,\n\];\n$/);
  });

  it('is idempotent', () => {
    const once = registerMigration(source, 'CreateInvoices1796000000000', './1796000000000-create-invoices');
    expect(registerMigration(once, 'CreateInvoices1796000000000', './1796000000000-create-invoices')).toBe(
      once,
    );
  });
});
