import { Agent, request } from 'node:http';

export interface LoadResult {
  readonly ok: number;
  /** Requests that got no answer (connection cut or refused) or a status other than 2xx. */
  readonly failed: number;
  /** One line per failure kind with its count, for the assertion message. */
  readonly failures: Record<string, number>;
  /** Responses that asked the client to reconnect (`Connection: close`). */
  readonly closing: number;
}

export interface LoadOptions {
  readonly baseUrl: string;
  readonly paths: readonly string[];
  /** Kept-alive connections, one request at a time on each (a wrk-like closed loop). */
  readonly connections: number;
  /** The load stops sending at this time (Date.now()); a request in flight still completes. */
  readonly until: number;
}

/** A bounded closed-loop HTTP load over kept-alive sockets (count by connections, time by `until`). */
export async function runHttpLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const failures: Record<string, number> = {};
  let ok = 0;
  let closing = 0;
  const worker = async (index: number): Promise<void> => {
    for (let i = index; Date.now() < options.until; i++) {
      const path = options.paths[i % options.paths.length];
      try {
        const { status, connection } = await get(agent, `${options.baseUrl}${path}`);
        if (connection === 'close') closing++;
        if (status >= 200 && status < 300) ok++;
        else failures[`status ${status}`] = (failures[`status ${status}`] ?? 0) + 1;
      } catch (error) {
        const kind = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        failures[kind] = (failures[kind] ?? 0) + 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, (_, index) => worker(index)));
  } finally {
    agent.destroy();
  }
  const failed = Object.values(failures).reduce((sum, count) => sum + count, 0);
  return { ok, failed, failures, closing };
}

function get(agent: Agent, url: string): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }),
      );
      response.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}
