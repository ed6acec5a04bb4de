import type { ICruiseResult } from 'dependency-cruiser';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The house rules of src/ (issue 13 item 4), as `npm run lint` checks them (.dependency-cruiser.cjs),
 * plus what the rules cannot say in one line: no cycle between the modules at all.
 */

const MODULES = ['approvals', 'auth', 'mail', 'people', 'shared', 'tickets', 'workspaces'] as const;

let result: ICruiseResult;

beforeAll(async () => {
  const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
  const output = await cruise(['src'], { ...options, exclude: { path: '\\.test\\.ts$' } }, undefined, {
    tsConfig: extractTSConfig('tsconfig.json'),
  });
  result = output.output as ICruiseResult;
}, 60_000);

const moduleOf = (path: string) => MODULES.find((m) => path.startsWith(`src/${m}/`)) ?? null;

/** Every cycle of the module graph, each as the modules it goes through (Tarjan's components of 2+). */
function moduleCycles(edges: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('the modules of src/', () => {
  it('keep the rules of .dependency-cruiser.cjs: no file cycle, shared at the bottom, a pure core, layers', () => {
    expect(result.summary.totalCruised).toBeGreaterThan(100);
    const violations = result.summary.violations.map(
      (v) => `${v.rule.name}: ${[v.from, ...(v.cycle?.map((c) => c.name) ?? [v.to])].join(' → ')}`,
    );
    expect(violations).toEqual([]);
  });

  it('import each other without a cycle, HTTP adapters (routes.ts) included', () => {
    const edges = new Map<string, Set<string>>();
    for (const file of result.modules) {
      const from = moduleOf(file.source);
      if (!from) continue;
      for (const dependency of file.dependencies) {
        const to = moduleOf(dependency.resolved);
        if (to && to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(edges.get('mail')?.has('approvals')).toBe(true); // the graph is really read
    expect(moduleCycles(edges)).toEqual([]);
  });
});
