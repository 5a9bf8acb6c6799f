import { CliError } from '../cli-error';
import { classNames, deriveFeatureNames, MAX_NAME_LENGTH, pluralize } from './feature-names';

describe(deriveFeatureNames.name, () => {
  it('derives every spelling of a one-word name', () => {
    expect(deriveFeatureNames('invoice')).toEqual({
      kebab: 'invoice',
      kebabPlural: 'invoices',
      pascal: 'Invoice',
      pascalPlural: 'Invoices',
      camel: 'invoice',
      camelPlural: 'invoices',
      snake: 'invoice',
      table: 'invoices',
      constant: 'INVOICE',
      words: 'invoice',
      wordsPlural: 'invoices',
    });
  });

  it('derives every spelling of a hyphenated name, pluralizing the last word only', () => {
    expect(deriveFeatureNames('purchase-order2')).toEqual({
      kebab: 'purchase-order2',
      kebabPlural: 'purchase-order2s',
      pascal: 'PurchaseOrder2',
      pascalPlural: 'PurchaseOrder2s',
      camel: 'purchaseOrder2',
      camelPlural: 'purchaseOrder2s',
      snake: 'purchase_order2',
      table: 'purchase_order2s',
      constant: 'PURCHASE_ORDER2',
      words: 'purchase order2',
      wordsPlural: 'purchase order2s',
    });
    expect(deriveFeatureNames('delivery-box')).toMatchObject({
      kebabPlural: 'delivery-boxes',
      pascalPlural: 'DeliveryBoxes',
      table: 'delivery_boxes',
    });
  });

  it.each([
    ['invoice', 'invoices'],
    ['category', 'categories'],
    ['day', 'days'],
    ['box', 'boxes'],
    ['address', 'addresses'],
    ['batch', 'batches'],
    ['wish', 'wishes'],
    ['quiz', 'quizes'],
  ])('pluralizes %s as %s', (word, plural) => {
    expect(pluralize(word)).toBe(plural);
  });

  it.each([
    'Invoice',
    'invoice_line',
    'invoice line',
    '-invoice',
    'invoice-',
    'invoice--line',
    '1invoice',
    'invoice-Line',
    'factura-ñ',
    '',
    'a'.repeat(MAX_NAME_LENGTH + 1),
  ])('refuses the name %p with one line', (name) => {
    let error: unknown;
    try {
      deriveFeatureNames(name);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toContain(`feature name "${name}"`);
    expect((error as CliError).message).not.toContain('\n');
  });

  it('accepts a name of the maximum length', () => {
    expect(deriveFeatureNames('a'.repeat(MAX_NAME_LENGTH)).table).toBe(`${'a'.repeat(MAX_NAME_LENGTH)}s`);
  });

  it.each([
    'users',
    'user',
    'items',
    'item',
    'auth',
    'health',
    'jobs',
    'sync',
    'admin',
    'tokens',
    'metrics',
    'buses',
  ])('refuses the reserved name %p, singular or plural', (name) => {
    expect(() => deriveFeatureNames(name)).toThrow(`feature name "${name}" is reserved by the template`);
  });

  it.each([
    ['table', 'Table'],
    ['repository', 'Repository'],
    ['date', 'Date'],
    ['promise', 'Promise'],
  ])(
    'refuses %p, whose entity class would shadow an import or global of the generated code',
    (name, clash) => {
      expect(() => deriveFeatureNames(name)).toThrow(`would name a class ${clash}`);
    },
  );

  it('names the classes after the singular (entity, DTOs) and the plural (module, controller, service)', () => {
    expect(classNames(deriveFeatureNames('invoice'))).toEqual([
      'Invoice',
      'InvoicesModule',
      'InvoicesController',
      'InvoicesService',
      'CreateInvoiceDto',
      'UpdateInvoiceDto',
      'ListInvoicesQuery',
      'InvoiceResponse',
      'InvoicePage',
    ]);
  });
});
