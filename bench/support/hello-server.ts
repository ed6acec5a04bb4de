/**
 * The reads baseline: a hello-world route of the same framework (Fastify 5),
 * in its own process, with no logging — the most a request can cost here.
 */

import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
