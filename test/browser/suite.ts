import { afterAll, afterEach, beforeAll } from 'vitest';
import { type BrowserEnv, startBrowserEnv } from './support.js';

/**
 * The hooks of a browser suite, for use inside its `describe` (kept out of ./support.ts, which stays free
 * of vitest for `npm run screenshots`): one BrowserEnv for the file, screenshots of a failing test's pages,
 * and the pages closed after each test. Returns a getter for the env, set once `beforeAll` has run.
 */
export function browserSuiteHooks(): () => BrowserEnv {
  let env: BrowserEnv | undefined;
  beforeAll(async () => {
    env = await startBrowserEnv();
  }, 120_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      const dir = await env?.snapshotPages(ctx.task.name);
      if (dir) console.error(`screenshots of the failing test: ${dir}`);
    }
    await env?.closePages();
  });
  afterAll(async () => {
    await env?.close();
  });
  return () => env!;
}
