import { parseClaimPath, splitClaimPaths } from './claim-path';

describe(parseClaimPath.name, () => {
  it.each<[string, string[]]>([
    ['sub', ['sub']],
    ['preferred_username', ['preferred_username']],
    ['realm_access.roles', ['realm_access', 'roles']],
    ['resource_access.orders-api.roles', ['resource_access', 'orders-api', 'roles']],
    ['["https://example.com/roles"]', ['https://example.com/roles']],
    ["['https://example.com/roles']", ['https://example.com/roles']],
    ['resource_access["my.client"].roles', ['resource_access', 'my.client', 'roles']],
    ['  realm_access.roles  ', ['realm_access', 'roles']],
  ])('reads %s', (text, keys) => {
    expect(parseClaimPath(text)).toEqual(keys);
  });

  it.each([
    '',
    '.roles',
    'realm_access.',
    'realm_access..roles',
    'realm access',
    'https://example.com/roles',
    '["unterminated]',
    '["mixed\']',
    '[""]',
    'roles[0]',
    'a["b"]c',
  ])('refuses %j', (text) => {
    expect(parseClaimPath(text)).toBeNull();
  });
});

describe(splitClaimPaths.name, () => {
  it('splits on commas outside brackets only', () => {
    expect(splitClaimPaths('realm_access.roles, resource_access["a,b"].roles')).toEqual([
      'realm_access.roles',
      'resource_access["a,b"].roles',
    ]);
  });
});
