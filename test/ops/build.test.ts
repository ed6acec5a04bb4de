import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../support/processes.js';

/**
 * Issue 12 item 1: production runs compiled JavaScript with plain `node`. The `build:server` script of
 * package.json, run as written but into a scratch folder beside `dist/` (one level below the root, as
 * `dist/` is, so the bundle finds the web app the same way), must give a server that node starts alone.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(ROOT, '.build-test-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('issue 12 item 1: the compiled server', () => {
  it('build:server bundles a server that plain node starts in one process (no tsx): /readyz, the API, the web app', async () => {
    const script: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts[
      'build:server'
    ];
    expect(script).toContain('--outdir=dist');
    const args = script
      .replace(/^esbuild\s+/, '')
      .replace('--outdir=dist', `--outdir=${relative(ROOT, out)}`)
      .split(/\s+/);
    const built = spawnSync(join(ROOT, 'node_modules/.bin/esbuild'), args, { cwd: ROOT, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    expect(existsSync(join(out, 'main.js'))).toBe(true);
    expect(existsSync(join(out, 'worker-main.js'))).toBe(true);

    const server = await spawnServer('', { entry: [join(out, 'main.js')], env: { SIGNOFF_DEMO: '0' } });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${server.url}/api/v1/openapi.json`)).status).toBe(200);
      const page = await fetch(`${server.url}/`);
      // The web app is built by `npm install` (postinstall); where it is, the bundle serves it.
      if (existsSync(join(ROOT, 'web/dist/index.html'))) {
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toContain('text/html');
      }
      // Nothing of tsx in the compiled server's process: node runs the bundle itself.
      const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8');
      expect(cmdline).not.toContain('tsx');
    } finally {
      await server.stop();
    }
  });
});
