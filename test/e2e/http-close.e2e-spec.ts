import { connect, Socket } from 'node:net';
import { startTestApp } from '../support/test-app';

/** A raw TCP connection to the app, resolved once connected; `closed` resolves when it ends. */
async function openSocket(
  baseUrl: string,
  send?: string,
): Promise<{ socket: Socket; closed: Promise<void> }> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined); // a reset is what the app's close may send
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  if (send) socket.write(send);
  return { socket, closed };
}

/** Resolves with what `work` resolved to, or 'still waiting' after `ms` (a hang, not a speed check). */
function within<T>(ms: number, work: Promise<T>): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>(
    (resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)),
  );
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describe('closing the HTTP server', () => {
  it('does not wait for connections that never began a request (preconnects, half a request line)', async () => {
    const testApp = await startTestApp();
    let closed = false;
    try {
      // One kept-alive connection that finished a request: idle, which Node drops itself.
      const keptAlive = await openSocket(
        testApp.baseUrl,
        'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      );
      await new Promise<void>((resolve) => keptAlive.socket.once('data', () => resolve()));
      // What Node does not count as idle: a socket that sent nothing, and one whose request line
      // and headers never ended. Before, close() waited for headersTimeout (60 s) to drop them.
      const silent = await openSocket(testApp.baseUrl);
      const halfSent = await openSocket(testApp.baseUrl, 'GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      expect(await within(20_000, testApp.close())).toBeUndefined();
      closed = true;
      for (const connection of [keptAlive, silent, halfSent])
        expect(await within(5_000, connection.closed)).toBeUndefined();
    } finally {
      if (!closed) await testApp.close();
    }
  });

  it('still answers a request that was being handled when close began', async () => {
    const testApp = await startTestApp();
    let closed = false;
    try {
      const slow = await openSocket(testApp.baseUrl);
      const response = new Promise<string>((resolve) => {
        let text = '';
        slow.socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        slow.socket.once('close', () => resolve(text));
      });
      // The request's headers are complete, its body is still coming: a request in progress.
      const body = '{"username":"nobody","password":"not-a-password"}';
      slow.socket.write(
        `POST /api/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 12)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const closing = testApp.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      slow.socket.write(body.slice(12));
      expect(await within(20_000, closing)).toBeUndefined();
      closed = true;
      expect(await within(5_000, response)).toMatch(/^HTTP\/1\.1 (401|503) /);
    } finally {
      if (!closed) await testApp.close();
    }
  });
});
