/**
 * RabbitMQ topic matching, so the in-process broker routes exactly like a topic exchange and the
 * server can find which handler pattern a routing key matched: `*` is one word, `#` zero or more.
 */
export function matchesTopic(pattern: string, routingKey: string): boolean {
  return matchWords(pattern.split('.'), 0, routingKey.split('.'), 0);
}

function matchWords(pattern: string[], p: number, key: string[], k: number): boolean {
  if (p === pattern.length) return k === key.length;
  if (pattern[p] === '#') {
    for (let next = k; next <= key.length; next++) {
      if (matchWords(pattern, p + 1, key, next)) return true;
    }
    return false;
  }
  if (k === key.length) return false;
  return (pattern[p] === '*' || pattern[p] === key[k]) && matchWords(pattern, p + 1, key, k + 1);
}

export function hasWildcard(pattern: string): boolean {
  return pattern.split('.').some((word) => word === '*' || word === '#');
}

/**
 * The handler pattern for a routing key: an exact pattern wins, then the first wildcard
 * pattern that matches (in registration order), as a reader of the handlers would expect.
 */
export function findMatchingPattern(patterns: Iterable<string>, routingKey: string): string | null {
  let wildcardMatch: string | null = null;
  for (const pattern of patterns) {
    if (pattern === routingKey) return pattern;
    if (wildcardMatch === null && hasWildcard(pattern) && matchesTopic(pattern, routingKey))
      wildcardMatch = pattern;
  }
  return wildcardMatch;
}
