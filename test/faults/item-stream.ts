import { sleep } from '../support/broker';

/** A stream of item changes made through the master's HTTP API, as its clients would. */
export interface StreamPlan {
  /** Items created (one POST each). */
  readonly items: number;
  /** PATCHes per item after its creation (each one revision). */
  readonly updatesPerItem: number;
  /** Every n-th item is deleted at the end of its life (0 = none). */
  readonly deleteEvery: number;
  /** Items worked on at once (each item's own changes stay in order). */
  readonly concurrency: number;
  /** Name prefix, so a scenario finds its own rows. */
  readonly prefix: string;
}

export interface StreamResult {
  /** Ids of the items the stream created (and knows of). */
  readonly ids: string[];
  /** Requests that reached no server (or a 5xx) and were sent again. */
  readonly retriedRequests: number;
}

/**
 * Runs the plan against `baseUrl`. A request that fails on the network (the master is being
 * killed or restarted) is sent again until `deadlineMs`: the master database decides what was
 * committed, so a POST whose answer was lost may leave one extra item, which the end-state
 * comparison covers like any other row. A long stream passes `token` as a function, so it can
 * outlive one token's lifetime.
 */
export async function runItemStream(
  baseUrl: string,
  token: string | (() => string),
  plan: StreamPlan,
  onChange: (done: number) => void = () => undefined,
  deadlineMs = 60_000,
): Promise<StreamResult> {
  const deadline = Date.now() + deadlineMs;
  const ids: string[] = [];
  let retriedRequests = 0;
  let done = 0;
  const send = async (method: string, path: string, body?: unknown): Promise<Response> => {
    for (;;) {
      try {
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${typeof token === 'function' ? token() : token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (response.status < 500) {
          onChange(++done);
          return response;
        }
      } catch {
        // connection refused or reset: the master is down for a moment
      }
      if (Date.now() > deadline) throw new Error(`${method} ${path}: no answer before the stream's deadline`);
      retriedRequests++;
      await sleep(100);
    }
  };
  const lifeOf = async (index: number): Promise<void> => {
    const created = await send('POST', '/api/items', { name: `${plan.prefix}-${index}`, quantity: 0 });
    if (created.status !== 201) throw new Error(`POST /api/items: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    ids.push(id);
    for (let update = 1; update <= plan.updatesPerItem; update++) {
      const patched = await send('PATCH', `/api/items/${id}`, { quantity: update });
      if (patched.status !== 200) throw new Error(`PATCH ${id}: ${patched.status}`);
    }
    if (plan.deleteEvery > 0 && index % plan.deleteEvery === 0) {
      const deleted = await send('DELETE', `/api/items/${id}`);
      // 404: an earlier attempt deleted it and its answer was lost.
      if (deleted.status !== 204 && deleted.status !== 404)
        throw new Error(`DELETE ${id}: ${deleted.status}`);
    }
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.items) await lifeOf(next++);
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return { ids, retriedRequests };
}

/** How many changes a plan makes (events the master writes to its outbox), lost answers aside. */
export function changesIn(plan: StreamPlan): number {
  const deletes = plan.deleteEvery > 0 ? Math.ceil(plan.items / plan.deleteEvery) : 0;
  return plan.items * (1 + plan.updatesPerItem) + deletes;
}
