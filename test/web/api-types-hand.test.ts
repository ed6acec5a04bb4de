import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The web app's API types come from the generated document (issue 13 item 1): web/src/api/types.ts
 * derives each from `components['schemas']` or an operation's answer. A hand copy drifts from the
 * server silently, so none may come back: no `contract:` placeholder, no answer shape written inline
 * at a call (`get<{ items: ... }>(...)`), and no error body cast to a hand shape (`problem as X`).
 */
const WEB_SRC = 'web/src';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every `file:line: text` of web/src matching `pattern`. */
function occurrences(pattern: RegExp): string[] {
  return sourceFiles(WEB_SRC).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe('web/src: API types only from the generated document', () => {
  it('has no hand type waiting for its route (`contract:`)', () => {
    expect(occurrences(/\/\/ contract:/)).toEqual([]);
  });

  it('writes no answer shape inline at a call of the API client', () => {
    expect(occurrences(/\b(get|post|put|patch|del|api)<\{/)).toEqual([]);
  });

  it('casts no error body to a hand shape', () => {
    expect(occurrences(/\.problem as\b/)).toEqual([]);
  });

  it('types.ts declares no response as an object literal: each is read from the document', () => {
    const types = readFileSync(join(WEB_SRC, 'api/types.ts'), 'utf8');
    const responses = types.slice(
      types.indexOf('// ---------------------------------------------------------------- responses'),
    );
    // `Directory` is the client's own bundle of three generated lists, not an answer of the API.
    const objectLiterals = responses
      .split('\n')
      .filter(
        (line) => /^export type \w+(<[^>]*>)? = \{/.test(line) && !line.startsWith('export type Directory '),
      );
    expect(objectLiterals).toEqual([]);
  });
});
