/**
 * A claim path names a value inside a token's claims: `preferred_username`, `realm_access.roles`,
 * `resource_access.orders.roles`. A key that is not a plain name (Auth0's namespaced claims are
 * URLs, a Keycloak client id may hold a dot) is quoted in brackets: `["https://example.com/roles"]`
 * or `resource_access['my.client'].roles`.
 */
export type ClaimPath = readonly string[];

const NAME = /^[A-Za-z0-9_$-]+/;
const QUOTED = /^\[(["'])([^"'\\[\]]+)\1\]/;

/** The keys of `text` from the outside in, or null when it is not a claim path. */
export function parseClaimPath(text: string): ClaimPath | null {
  const keys: string[] = [];
  let rest = text.trim();
  while (rest !== '') {
    if (keys.length > 0 && !rest.startsWith('[')) {
      if (!rest.startsWith('.')) return null;
      rest = rest.slice(1);
      if (rest === '') return null;
    }
    const quoted = QUOTED.exec(rest);
    const match = quoted ?? NAME.exec(rest);
    if (!match) return null;
    keys.push(quoted ? quoted[2] : match[0]);
    rest = rest.slice(match[0].length);
  }
  return keys.length > 0 ? Object.freeze(keys) : null;
}

/** Paths separated by commas outside brackets: `realm_access.roles,resource_access.orders.roles`. */
export function splitClaimPaths(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '[') depth += 1;
    else if (char === ']') depth -= 1;
    else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim());
}
