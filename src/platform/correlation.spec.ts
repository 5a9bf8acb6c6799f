import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CorrelationScopes, usesPromiseHooks } from './correlation';

// Real storage and real timers, with a short idle window; the checks that it is still on come
// well inside it (a stalled machine would have to lose 150 ms to fail them). Whether Node's
// promise hooks really go off is the e2e test's (a process of its own: the hooks are the process's).
const IDLE_MS = 200;
const pastIdle = () => sleep(IDLE_MS * 3);

describe('CorrelationScopes', () => {
  it('gives the id to the work of its scope across awaits and timers, and none outside', async () => {
    const scopes = new CorrelationScopes(IDLE_MS, true);
    expect(scopes.current()).toBeUndefined();
    const seen = await scopes.run('req-1', async () => {
      const first = scopes.current();
      await sleep(5);
      const afterTimer = await new Promise((resolve) => setImmediate(() => resolve(scopes.current())));
      return [first, afterTimer, scopes.current()];
    });
    expect(seen).toEqual(['req-1', 'req-1', 'req-1']);
    expect(scopes.current()).toBeUndefined();
  });

  it('turns off once no scope has been open for the idle window, and on again with the next', async () => {
    const scopes = new CorrelationScopes(IDLE_MS, true);
    expect(scopes.isOn).toBe(false);
    await scopes.run('a', async () => sleep(1));
    expect(scopes.isOn).toBe(true);
    await sleep(IDLE_MS / 4);
    expect(scopes.isOn).toBe(true);
    await pastIdle();
    expect(scopes.isOn).toBe(false);
    expect(await scopes.run('b', async () => (await sleep(1), scopes.current()))).toBe('b');
    expect(scopes.isOn).toBe(true);
  });

  it('stays on while a scope outlasts the window, whose late work still sees its id', async () => {
    const scopes = new CorrelationScopes(IDLE_MS, true);
    await scopes.run('short', async () => sleep(1));
    const long = scopes.run('long', async () => {
      await sleep(IDLE_MS * 4);
      return scopes.current();
    });
    await sleep(IDLE_MS * 2);
    expect(scopes.isOn).toBe(true);
    expect(await long).toBe('long');
    await pastIdle();
    expect(scopes.isOn).toBe(false);
  });

  it('counts the window from the last scope to close, however many came and went', async () => {
    const scopes = new CorrelationScopes(IDLE_MS, true);
    for (let i = 0; i < 6; i += 1) {
      await scopes.run(`burst-${i}`, async () => sleep(1));
      await sleep(IDLE_MS / 4);
      expect(scopes.isOn).toBe(true);
    }
    await pastIdle();
    expect(scopes.isOn).toBe(false);
  });

  it('keeps a scope open until its closer is called, once however often it is called', async () => {
    const scopes = new CorrelationScopes(IDLE_MS, true);
    const closeFirst = scopes.open();
    const closeSecond = scopes.open();
    const seen: (string | undefined)[] = [];
    scopes.enter('http-1', () => seen.push(scopes.current()));
    closeFirst();
    closeFirst();
    await pastIdle();
    expect(scopes.isOn).toBe(true);
    closeSecond();
    await pastIdle();
    expect(scopes.isOn).toBe(false);
    expect(seen).toEqual(['http-1']);
  });

  it('closes the scope of work that throws before its promise', async () => {
    const scopes = new CorrelationScopes(IDLE_MS, true);
    expect(() =>
      scopes.run('broken', () => {
        throw new Error('no promise');
      }),
    ).toThrow('no promise');
    await expect(scopes.run('rejects', async () => Promise.reject(new Error('later')))).rejects.toThrow(
      'later',
    );
    await pastIdle();
    expect(scopes.isOn).toBe(false);
  });

  it("leaves work that outlives its scope past the window without an id, never with another scope's", async () => {
    const scopes = new CorrelationScopes(IDLE_MS, true);
    const detached: (string | undefined)[] = [];
    let finishDetached!: Promise<void>;
    await scopes.run('left-running', async () => {
      // Nobody awaits it: a publish fired and forgotten, a reconnect the request triggered.
      finishDetached = (async () => {
        detached.push(scopes.current());
        await pastIdle();
        detached.push(scopes.current()); // the storage is off now
        await sleep(IDLE_MS);
        detached.push(scopes.current()); // while the next scope is open
      })();
    });
    await sleep(IDLE_MS * 3.5);
    expect(scopes.isOn).toBe(false);
    const next = scopes.run('next', async () => {
      await sleep(IDLE_MS * 2);
      return scopes.current();
    });
    await finishDetached;
    expect(await next).toBe('next');
    expect(detached[0]).toBe('left-running');
    expect(detached[1]).toBeUndefined();
    expect(detached[2]).not.toBe('next');
  });

  it('never turns off a storage that needs no promise hooks (async context frame)', async () => {
    const scopes = new CorrelationScopes(IDLE_MS, false);
    await scopes.run('a', async () => sleep(1));
    await pastIdle();
    expect(scopes.isOn).toBe(true);
    expect(await scopes.run('b', async () => scopes.current())).toBe('b');
  });

  it('tells a hook-based AsyncLocalStorage (Node 20, 22 by default) from one without hooks', () => {
    const major = Number(process.versions.node.split('.')[0]);
    const frameBased =
      major >= 24
        ? !process.execArgv.includes('--no-async-context-frame')
        : process.execArgv.includes('--experimental-async-context-frame');
    expect(usesPromiseHooks(AsyncLocalStorage)).toBe(!frameBased);
    expect(usesPromiseHooks(class {} as unknown as typeof AsyncLocalStorage)).toBe(false);
  });
});
