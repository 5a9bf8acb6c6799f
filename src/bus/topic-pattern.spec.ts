import { findMatchingPattern, hasWildcard, matchesTopic } from './topic-pattern';

describe(matchesTopic.name, () => {
  it.each([
    ['orders.created', 'orders.created', true],
    ['orders.created', 'orders.updated', false],
    ['orders.*.created', 'orders.eu.created', true],
    ['orders.*.created', 'orders.created', false],
    ['orders.*.created', 'orders.eu.north.created', false],
    ['orders.#', 'orders', true],
    ['orders.#', 'orders.eu.north.created', true],
    ['#.created', 'created', true],
    ['#.created', 'orders.eu.created', true],
    ['#.created', 'orders.eu.cancelled', false],
    ['orders.#.created', 'orders.created', true],
    ['orders.#.created', 'orders.a.b.created', true],
    ['#', 'anything.at.all', true],
    ['*', 'one', true],
    ['*', 'one.two', false],
    ['a.*.#', 'a', false],
    ['a.*.#', 'a.b', true],
  ])('%s matches %s: %s', (pattern, key, expected) => {
    expect(matchesTopic(pattern, key)).toBe(expected);
  });

  it('treats regex characters in words literally', () => {
    expect(matchesTopic('a+b.c', 'a+b.c')).toBe(true);
    expect(matchesTopic('a+b.c', 'aab.c')).toBe(false);
  });
});

describe(findMatchingPattern.name, () => {
  it('prefers the exact pattern over a wildcard one registered earlier', () => {
    expect(findMatchingPattern(['orders.*', 'orders.created'], 'orders.created')).toBe('orders.created');
  });

  it('takes the first matching wildcard pattern', () => {
    expect(findMatchingPattern(['audit.#', 'audit.*'], 'audit.login')).toBe('audit.#');
  });

  it('returns null when nothing matches', () => {
    expect(findMatchingPattern(['orders.*'], 'orders.eu.created')).toBeNull();
  });
});

describe(hasWildcard.name, () => {
  it('sees * and # only as whole words', () => {
    expect(hasWildcard('a.*.c')).toBe(true);
    expect(hasWildcard('a.#')).toBe(true);
    expect(hasWildcard('a*b.c')).toBe(false);
  });
});
