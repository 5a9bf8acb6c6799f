import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address a login limit counts against. One IPv6 subscriber usually holds a whole /64, so
 * counting single IPv6 addresses would give an attacker 2^64 fresh budgets; an IPv4-mapped IPv6
 * address is the IPv4 client it maps.
 */
export function clientKeyOf(address: string): string {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const withoutZone = bare.split('%', 1)[0];
  if (isIPv4(withoutZone)) return withoutZone;
  if (!isIPv6(withoutZone)) return withoutZone; // not an IP (a test socket name): counted as it is
  const groups = expandIPv6(withoutZone);
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(groups.join(':'));
  if (mapped) {
    const high = parseInt(mapped[1], 16);
    const low = parseInt(mapped[2], 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** Eight lower-case groups without leading zeros; an embedded IPv4 tail becomes two groups. */
function expandIPv6(address: string): string[] {
  let text = address.toLowerCase();
  const ipv4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (ipv4Tail) {
    const [a, b, c, d] = ipv4Tail[1].split('.').map(Number);
    text = `${text.slice(0, -ipv4Tail[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((group) => parseInt(group, 16).toString(16));
}
