import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on right now, for a child process or a later `listen` to take.
 *
 * It is drawn below the kernel's ephemeral range on purpose: a port handed out by `listen(0)` comes
 * from that range, and while the test waits to bind it (a proxy that starts "later", a child that is
 * still booting) any outgoing connection on the machine may take it as its source port and the late
 * `listen` fails with EADDRINUSE (seen in CI). Below the range, only an explicit bind can take it.
 */
export async function freePort(): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const low = Math.max(10_000, ephemeralLow - 20_000);
  for (let attempt = 0; attempt < 200; attempt++) {
    const candidate = low + Math.floor(Math.random() * (ephemeralLow - low));
    if (await isFree(candidate)) return candidate;
  }
  throw new Error(`no free port found in ${low}-${ephemeralLow - 1} after 200 tries`);
}

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low > 11_000 && high > low) return [low, high];
  } catch {
    // Not Linux: the IANA dynamic range is the usual default elsewhere.
  }
  return [49_152, 65_535];
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
