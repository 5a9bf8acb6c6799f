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

  it('matches a key crafted against many # in time linear in its words (no backtracking)', () => {
    // Backtracking tries every way to split 5 000 words among six `#`: about 10^19 paths.
    const pattern = '#.a.#.a.#.a.#.a.#.a.#.b';
    const key = Array.from({ length: 5000 }, () => 'a').join('.');
    expect(matchesTopic(pattern, `${key}.c`)).toBe(false);
    expect(matchesTopic(pattern, `${key}.b`)).toBe(true);
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

  it('finds no handler for a key longer than 255 bytes, even under #', () => {
    expect(findMatchingPattern(['#'], 'a'.repeat(255))).toBe('#');
    expect(findMatchingPattern(['#'], 'a'.repeat(256))).toBeNull();
    expect(findMatchingPattern(['#'], 'é'.repeat(128))).toBeNull();
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
