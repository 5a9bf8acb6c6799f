"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Progress = void 0;
const cli_progress_1 = require("cli-progress");
const NO_BAR = { update: () => undefined, stop: () => undefined };
class Progress {
    isEnabled;
    constructor(isEnabled) {
        this.isEnabled = isEnabled;
    }
    static of(options) {
        return new Progress(options.progress !== false && process.stderr.isTTY === true);
    }
    start(label, total) {
        if (!this.isEnabled)
            return NO_BAR;
        const bar = new cli_progress_1.SingleBar({
            stream: process.stderr,
            format: `${label.padEnd(12)} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
            hideCursor: true,
            barsize: 30,
        }, cli_progress_1.Presets.shades_classic);
        bar.start(total, 0);
        return {
            update: (done, newTotal) => {
                if (newTotal !== bar.getTotal())
                    bar.setTotal(newTotal);
                bar.update(done);
            },
            stop: () => bar.stop(),
        };
    }
}
exports.Progress = Progress;
