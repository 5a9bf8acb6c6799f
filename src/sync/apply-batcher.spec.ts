import { ApplyBatcher, BatchOutcome } from './apply-batcher';

/** A batch function that records each batch and holds it until released. */
function recorder() {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  const run = (items: readonly string[]): Promise<BatchOutcome<string>[]> => {
    batches.push([...items]);
    return new Promise((resolve) =>
      releases.push(() => resolve(items.map((item) => ({ ok: true, value: `done ${item}` })))),
    );
  };
  const releaseNext = async (): Promise<void> => {
    while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
    releases.shift()!();
  };
  return { batches, run, releaseNext };
}

describe('ApplyBatcher', () => {
  it('starts a lone item at once and groups what arrives while a batch runs', async () => {
    const { batches, run, releaseNext } = recorder();
    const batcher = new ApplyBatcher(10, run);
    const first = batcher.submit('a', 'a1');
    await releaseNext();
    await expect(first).resolves.toBe('done a1');
    const second = batcher.submit('b', 'b1');
    const more = ['c', 'd', 'e'].map((key) => batcher.submit(key, `${key}1`));
    await releaseNext();
    await Promise.all([second, ...more]);
    expect(batches).toEqual([['a1'], ['b1', 'c1', 'd1', 'e1']]);
  });

  it('never puts two items of one key in a batch, and keeps each key in arrival order', async () => {
    const { batches, run, releaseNext } = recorder();
    const batcher = new ApplyBatcher(10, run);
    const done = [
      batcher.submit('x', 'x1'),
      batcher.submit('y', 'y1'),
      batcher.submit('x', 'x2'),
      batcher.submit('z', 'z1'),
      batcher.submit('x', 'x3'),
    ];
    for (let i = 0; i < 3; i++) await releaseNext();
    await Promise.all(done);
    expect(batches).toEqual([['x1', 'y1', 'z1'], ['x2'], ['x3']]);
  });

  it('caps a batch at maxBatch items', async () => {
    const { batches, run, releaseNext } = recorder();
    const batcher = new ApplyBatcher(2, run);
    const done = ['a', 'b', 'c', 'd', 'e'].map((key) => batcher.submit(key, key));
    for (let i = 0; i < 3; i++) await releaseNext();
    await Promise.all(done);
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it("settles each item with its own outcome, and a batch function's throw fails only that batch", async () => {
    let calls = 0;
    const batcher = new ApplyBatcher<string, string>(10, async (items) => {
      if (++calls === 2) throw new Error('the whole batch failed');
      return items.map((item) =>
        item === 'bad' ? { ok: false, error: new Error('bad item') } : { ok: true, value: item },
      );
    });
    const good = batcher.submit('1', 'good');
    const bad = batcher.submit('2', 'bad');
    await expect(good).resolves.toBe('good');
    await expect(bad).rejects.toThrow('bad item');
    await expect(batcher.submit('3', 'next')).rejects.toThrow('the whole batch failed');
    await expect(batcher.submit('4', 'after')).resolves.toBe('after');
  });

  it('refuses a batch size below 1', () => {
    expect(() => new ApplyBatcher(0, async () => [])).toThrow('maxBatch must be ≥ 1, got 0');
  });
});
