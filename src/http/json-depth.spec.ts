import { MAX_JSON_DEPTH, nestingExceeds } from './json-depth';

describe(nestingExceeds.name, () => {
  const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  it('lets bodies up to the limit through and stops one level deeper', () => {
    expect(nestingExceeds(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestingExceeds(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestingExceeds('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), MAX_JSON_DEPTH)).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ name: '[[[[{{{{\\"[[[['.repeat(100), list: [[1]] });
    expect(nestingExceeds(text, 3)).toBe(false);
  });

  it('counts siblings by their own depth, not their number', () => {
    expect(nestingExceeds(JSON.stringify(Array.from({ length: 1000 }, () => [[1]])), 3)).toBe(false);
  });
});
