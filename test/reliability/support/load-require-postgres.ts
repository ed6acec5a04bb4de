import pg from 'pg';

/**
 * Global set-up of the reliability run: it needs a PostgreSQL server and says so plainly
 * instead of skipping (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
export default async function requirePostgres(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `The reliability suite needs PostgreSQL, but ${url} is unreachable (${error}). ` +
        'Start one on 127.0.0.1:5432 or set TEST_DATABASE_URL.',
    );
  } finally {
    await client.end().catch(() => {});
  }
}
