import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DECISION_WORDS, readReplyIntent } from './reply-intent.js';

const APPROVE = ['approve', 'approved', 'yes', 'approuver', 'approuvé', 'oui'];
const DENY = ['deny', 'denied', 'no', 'refuser', 'refusé', 'non'];

/** A word in a random mix of upper and lower case. */
const anyCase = (words: string[]) =>
  fc
    .tuple(fc.constantFrom(...words), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }))
    .map(([w, up]) => [...w].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));

/** Text with no letters at all: what may come before the first word. */
const noLetters = fc.stringMatching(/^[ *_>"'([0-9\-.,!#]{0,6}$/);
/** One line of comment: no line break, not only white space. */
const commentLine = fc
  .stringMatching(/^[A-Za-z0-9àéèç€ ,.'!?-]{1,40}$/)
  .filter((s) => /[A-Za-z0-9àéèç€]/.test(s));

describe('reply to approve: the first word decides (SPEC §8.2, §8.6)', () => {
  it('SPEC §8.2 every decision word of the list decides, in any case, whatever non-letters come before it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyCase(APPROVE).map((w) => [true, w] as const),
          anyCase(DENY).map((w) => [false, w] as const),
        ),
        noLetters,
        fc.stringMatching(/^[ .,!*]{0,3}$/),
        ([approve, word], before, after) => {
          const intent = readReplyIntent(`${before}${word}${after}`);
          expect(intent).toEqual({ kind: 'decision', decision: approve ? 'approve' : 'deny', comment: null });
        },
      ),
    );
  });

  it('SPEC §8.6 the first word is the first run of letters: "*Approved*", "OUI!", "Approuvé", "refusé."', () => {
    expect(readReplyIntent('*Approved*')).toEqual({ kind: 'decision', decision: 'approve', comment: null });
    expect(readReplyIntent('OUI!')).toEqual({ kind: 'decision', decision: 'approve', comment: null });
    expect(readReplyIntent('Approuvé')).toEqual({ kind: 'decision', decision: 'approve', comment: null });
    expect(readReplyIntent('  refusé.')).toEqual({ kind: 'decision', decision: 'deny', comment: null });
    expect(readReplyIntent('No.')).toEqual({ kind: 'decision', decision: 'deny', comment: null });
    // "Yesterday" is not "yes", "Nope" is not "no": the whole run of letters must be the word.
    expect(readReplyIntent('Yesterday I said no')).toEqual({ kind: 'comment', body: 'Yesterday I said no' });
    expect(readReplyIntent('Nope')).toEqual({ kind: 'comment', body: 'Nope' });
  });

  it('SPEC §8.2 a decomposed accent (NFD) reads like the precomposed one, and the unaccented French spelling counts', () => {
    expect(readReplyIntent('Approuvé'.normalize('NFD'))).toMatchObject({ decision: 'approve' });
    expect(readReplyIntent('REFUSÉ'.normalize('NFD'))).toMatchObject({ decision: 'deny' });
    expect(readReplyIntent('approuve')).toMatchObject({ decision: 'approve' });
    expect(readReplyIntent('refuse')).toMatchObject({ decision: 'deny' });
    expect([...DECISION_WORDS.keys()]).toEqual(expect.arrayContaining([...APPROVE, ...DENY]));
  });

  it('SPEC §8.2 the rest of the first paragraph is the comment, trimmed; later paragraphs are left out', () => {
    fc.assert(
      fc.property(
        anyCase([...APPROVE, ...DENY]),
        fc.constantFrom(', ', ' ', '. ', ' - ', ' — ', ': ', '!\n'),
        commentLine,
        fc.array(commentLine, { maxLength: 3 }),
        (word, separator, comment, later) => {
          const text = [`${word}${separator}${comment}`, ...later].join('\n\n');
          const intent = readReplyIntent(text);
          expect(intent.kind).toBe('decision');
          if (intent.kind !== 'decision') return;
          const expected = comment.replace(/^[\s,.!?'-]+/, '').trim();
          expect(intent.comment).toBe(expected === '' ? null : expected);
          for (const paragraph of later) {
            if (!comment.includes(paragraph)) expect(intent.comment ?? '').not.toContain(paragraph);
          }
        },
      ),
    );
    expect(readReplyIntent('Approuvé, merci')).toEqual({
      kind: 'decision',
      decision: 'approve',
      comment: 'merci',
    });
    expect(readReplyIntent('Approved.\nBudget checked.\nGo ahead.\n\n-- \nDana')).toEqual({
      kind: 'decision',
      decision: 'approve',
      comment: 'Budget checked.\nGo ahead.',
    });
    expect(readReplyIntent('Deny\n  \nToo expensive')).toEqual({
      kind: 'decision',
      decision: 'deny',
      comment: null,
    });
  });

  it('SPEC §8.2 any other reply is a comment: the whole reply, trimmed; an empty one is nothing to do', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), (text) => {
        const intent = readReplyIntent(text);
        const first = /[\p{L}\p{M}]+/u.exec(text.normalize('NFC'))?.[0]?.toLowerCase();
        if (text.trim() === '') expect(intent).toEqual({ kind: 'empty' });
        else if (first === undefined || !DECISION_WORDS.has(first)) {
          expect(intent).toEqual({ kind: 'comment', body: text.normalize('NFC').trim() });
        } else expect(intent.kind).toBe('decision');
      }),
    );
    expect(readReplyIntent('Looks good')).toEqual({ kind: 'comment', body: 'Looks good' });
    expect(readReplyIntent(' \n\t ')).toEqual({ kind: 'empty' });
  });
});
