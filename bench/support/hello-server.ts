/**
 * The reads baseline: a hello-world route of the same framework (Fastify 5),
 * in its own process, with no logging — the least a request can cost here.
 * With PG_URL, `/hello-db` also answers after one `SELECT 1` through a pg pool:
 * the least a request that touches the database can cost.
 */

import Fastify from 'fastify';
import pg from 'pg';

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
const pool = process.env.PG_URL ? new pg.Pool({ connectionString: process.env.PG_URL, max: 10 }) : null;
if (pool) {
  app.get('/hello-db', async () => {
    const { rows } = await pool.query('SELECT 1 AS one');
    return { hello: rows[0].one };
  });
}
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write('ready\n');
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => pool?.end())
      .then(() => process.exit(0)),
);
