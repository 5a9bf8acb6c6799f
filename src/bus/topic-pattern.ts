import { MAX_ROUTING_KEY_BYTES } from './bus.constants';

/**
 * RabbitMQ topic matching, so the in-process broker routes exactly like a topic exchange and the
 * server can find which handler pattern a routing key matched: `*` is one word, `#` zero or more.
 */
export function matchesTopic(pattern: string, routingKey: string): boolean {
  const words = pattern.split('.');
  // The set of pattern positions reached so far, advanced one key word at a time: time grows with
  // pattern words × key words, so a key crafted against `#` cannot make matching backtrack.
  let reached = new Uint8Array(words.length + 1);
  reached[0] = 1;
  skipHashes(words, reached);
  for (const word of routingKey.split('.')) {
    const next = new Uint8Array(words.length + 1);
    let any = false;
    for (let p = 0; p < words.length; p++) {
      if (!reached[p]) continue;
      if (words[p] === '#') next[p] = 1;
      else if (words[p] === '*' || words[p] === word) next[p + 1] = 1;
      else continue;
      any = true;
    }
    if (!any) return false;
    skipHashes(words, next);
    reached = next;
  }
  return reached[words.length] === 1;
}

/** `#` also matches zero words: whoever reaches it reaches the position after it too. */
function skipHashes(words: readonly string[], reached: Uint8Array): void {
  for (let p = 0; p < words.length; p++) if (reached[p] && words[p] === '#') reached[p + 1] = 1;
}

export function hasWildcard(pattern: string): boolean {
  return pattern.split('.').some((word) => word === '*' || word === '#');
}

/**
 * The handler pattern for a routing key: an exact pattern wins, then the first wildcard
 * pattern that matches (in registration order), as a reader of the handlers would expect.
 */
export function findMatchingPattern(patterns: Iterable<string>, routingKey: string): string | null {
  // AMQP cannot carry a longer key, so only an in-process publisher could send one: no handler.
  if (routingKey.length > MAX_ROUTING_KEY_BYTES / 3 && Buffer.byteLength(routingKey) > MAX_ROUTING_KEY_BYTES)
    return null;
  let wildcardMatch: string | null = null;
  for (const pattern of patterns) {
    if (pattern === routingKey) return pattern;
    if (wildcardMatch === null && hasWildcard(pattern) && matchesTopic(pattern, routingKey))
      wildcardMatch = pattern;
  }
  return wildcardMatch;
}
