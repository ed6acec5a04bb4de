// `npm install` builds the server and the web app, but only where the build
// tools are installed: a production install (`npm install --omit=dev`) has no
// esbuild or vite, and must not fail here. See "Production" in the README.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const buildTools = ['esbuild', 'vite'];
const missing = buildTools.filter((name) => !existsSync(join(root, 'node_modules', name, 'package.json')));
if (missing.length > 0) {
  console.log(`signoff: ${missing.join(' and ')} not installed (production install?); skipping the build.`);
  console.log('signoff: build with `npm ci && npm run build && npm prune --omit=dev` (see README).');
} else {
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
