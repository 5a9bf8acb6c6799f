// The baseline: Fastify with no framework on top, answering the same JSON as the other servers.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
void app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' }).then(() => process.send?.('ready'));
