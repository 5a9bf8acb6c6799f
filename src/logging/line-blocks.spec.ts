import { LineBlocks } from './line-blocks';

/** A sink that records each block it is handed, as stdout would receive them. */
function recordingSink(): {
  blocks: string[];
  flushes: number;
  write(block: string): void;
  flushSync(): void;
} {
  return {
    blocks: [],
    flushes: 0,
    write(block) {
      this.blocks.push(block);
    },
    flushSync() {
      this.flushes++;
    },
  };
}

describe('LineBlocks', () => {
  afterEach(() => jest.useRealTimers());

  it('writes nothing until a block is full, then the whole block in order in one write', () => {
    const sink = recordingSink();
    const blocks = new LineBlocks(sink, 20, 100);
    blocks.write('{"i":1}\n');
    blocks.write('{"i":2}\n');
    expect(sink.blocks).toEqual([]);
    blocks.write('{"i":3}\n');
    expect(sink.blocks).toEqual(['{"i":1}\n{"i":2}\n{"i":3}\n']);
    blocks.write('{"i":4}\n');
    expect(sink.blocks).toHaveLength(1);
  });

  it('writes a block that is not full once its first line is flushMs old', () => {
    jest.useFakeTimers();
    const sink = recordingSink();
    const blocks = new LineBlocks(sink, 8192, 100);
    blocks.write('first\n');
    jest.advanceTimersByTime(60);
    blocks.write('second\n');
    expect(sink.blocks).toEqual([]);
    jest.advanceTimersByTime(40);
    expect(sink.blocks).toEqual(['first\nsecond\n']);
    // Nothing buffered: no timer is left to wake an idle process.
    expect(jest.getTimerCount()).toBe(0);
  });

  it('writes what is buffered and flushes the sink on flushSync, and writes no empty block', () => {
    const sink = recordingSink();
    const blocks = new LineBlocks(sink, 8192, 100);
    blocks.write('last words\n');
    blocks.flushSync();
    blocks.flushSync();
    expect(sink.blocks).toEqual(['last words\n']);
    expect(sink.flushes).toBe(2);
  });
});
