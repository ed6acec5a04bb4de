import { describe, expect, it } from 'vitest';
import type { Problem } from '../../web/src/api/types.js';
import { ApiError } from '../../web/src/api.js';
import { linkProblem, readLinkProblem } from '../../web/src/pages/respond/linkProblem.js';

/**
 * The response page reads the extension members of a link problem (SPEC §8.6: why a link is dead, the
 * answer it recorded; §8.1: the workspace and who must sign in). The document types them `unknown`, so
 * the page reads each value and keeps only what has the expected shape; it never trusts a cast.
 */
const problem = (extensions: Record<string, unknown>): Problem => ({
  type: 'https://signoff.dev/problems/link_inactive',
  title: 'Gone',
  status: 410,
  code: 'link_inactive',
  detail: 'This link is no longer active',
  ...extensions,
});

describe('readLinkProblem', () => {
  it('reads the reason, the recorded answer, the workspace and the responder type', () => {
    const read = readLinkProblem(
      problem({
        reason: 'used',
        decision: { value: 'approve', at: '2026-01-02T03:04:05.000Z' },
        workspace: { id: 'w1', name: 'Acme' },
        responderType: 'contact',
      }),
    );
    expect(read).toEqual({
      reason: 'used',
      decision: { value: 'approve', at: '2026-01-02T03:04:05.000Z' },
      workspace: { id: 'w1', name: 'Acme' },
      responderType: 'contact',
    });
  });

  it('drops a member of another shape instead of passing it on', () => {
    const read = readLinkProblem(
      problem({
        reason: 'lost_in_the_mail',
        decision: { value: 'maybe', at: '2026-01-02T03:04:05.000Z' },
        workspace: { id: 'w1' },
        responderType: 'robot',
      }),
    );
    expect(read).toEqual({});
  });

  it("reads nothing from a non-API error or the client's own network_error", () => {
    expect(linkProblem(new Error('boom'))).toEqual({});
    expect(linkProblem(new ApiError({ status: 502, code: 'network_error', detail: 'Bad Gateway' }))).toEqual(
      {},
    );
  });
});
