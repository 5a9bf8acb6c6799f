import { Presets, SingleBar } from 'cli-progress';

export interface ProgressBar {
  /** Rows done so far, and the total when it is known better now. */
  update(done: number, total: number): void;
  stop(): void;
}

const NO_BAR: ProgressBar = { update: () => undefined, stop: () => undefined };

/**
 * Progress bars for long sync work, on stderr so stdout (tables, `--json`, diff streams) stays
 * clean. Drawn only on a terminal and without `--no-progress`: scripts and pipes get none.
 */
export class Progress {
  private constructor(private readonly isEnabled: boolean) {}

  /** From a command's `--no-progress` option (commander sets `progress: false`). */
  static of(options: { readonly progress?: boolean }): Progress {
    return new Progress(options.progress !== false && process.stderr.isTTY === true);
  }

  start(label: string, total: number): ProgressBar {
    if (!this.isEnabled) return NO_BAR;
    const bar = new SingleBar(
      {
        stream: process.stderr,
        // No ETA: cli-progress prints garbage for it when a total turns out to be 0.
        format: `${label.padEnd(12)} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
        hideCursor: true,
        barsize: 30,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return {
      update: (done, newTotal) => {
        if (newTotal !== bar.getTotal()) bar.setTotal(newTotal);
        bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
}
