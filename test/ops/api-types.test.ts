import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../scripts/api-types.js';

/**
 * The web app's API types are generated from the server's OpenAPI document (issue 13). A route whose
 * schema changed without `npm run api:types` leaves a stale file: CI says so here.
 */
describe('web/src/api/openapi.d.ts', () => {
  it('is what `npm run api:types` writes for the server as it is now', { timeout: 120_000 }, async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    const generated = await generateApiTypes();
    // Not toBe: a 2,600-line diff helps nobody; the fix is one command.
    expect(
      committed === generated,
      'stale: run `npm run api:types` and commit web/src/api/openapi.d.ts',
    ).toBe(true);
  });
});
