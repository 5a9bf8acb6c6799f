import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name: [0] is field 3 (state). */
function statFields(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
}

/** User + system CPU time of a process in microseconds (Linux /proc). */
export function cpuMicros(pid: number): number {
  const fields = statFields(pid);
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** cpuMicros, or 0 for a process that is gone. */
function cpuMicrosIfAlive(pid: number): number {
  try {
    return cpuMicros(pid);
  } catch {
    return 0;
  }
}

/** Pids whose command matches (`pgrep -f`); none when pgrep finds nothing or is missing. */
function pidsOf(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').map(Number);
  } catch {
    return [];
  }
}

/** A group of processes whose CPU is summed: named pids, or every process matching a pattern. */
export interface CpuGroup {
  readonly name: string;
  readonly pids?: readonly number[];
  readonly pattern?: string;
}

/** When a process started, in clock ticks since boot (Linux /proc, field 22); null when gone. */
function startTicks(pid: number): number | null {
  try {
    return Number(statFields(pid)[19]);
  } catch {
    return null;
  }
}

/** Clock ticks since boot now. */
function ticksNow(): number {
  return Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * CLOCK_TICKS_PER_SECOND);
}

/**
 * CPU spent by each group between start() and stop(): where the machine's cores went during a
 * measured stretch. Processes of a pattern that start in between count in full; ones that end
 * in between are missed (the benches keep their connections, so their backends live on). A
 * process found only at stop() that is older than start() (a pattern match missed at start)
 * is left out rather than counted with its whole lifetime's CPU.
 */
export class CpuAccount {
  private before = new Map<number, number>();
  private startedAt = 0;

  constructor(private readonly groups: readonly CpuGroup[]) {}

  start(): void {
    // One tick of slack: a process born in the same tick as start() counts as new.
    this.startedAt = ticksNow() - 1;
    this.before = new Map(this.allPids().map((pid) => [pid, cpuMicrosIfAlive(pid)]));
  }

  /** Microseconds of CPU per group since start(). */
  stop(): Record<string, number> {
    const spent: Record<string, number> = {};
    for (const group of this.groups) {
      const pids = group.pids ?? pidsOf(group.pattern!);
      spent[group.name] = pids.reduce((sum, pid) => {
        const before = this.before.get(pid);
        if (before !== undefined) return sum + cpuMicrosIfAlive(pid) - before;
        const born = startTicks(pid);
        return born !== null && born >= this.startedAt ? sum + cpuMicrosIfAlive(pid) : sum;
      }, 0);
    }
    return spent;
  }

  private allPids(): number[] {
    return this.groups.flatMap((group) => group.pids ?? pidsOf(group.pattern!));
  }
}
