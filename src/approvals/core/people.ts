import type { Actor, PersonRef } from './types.js';

/** Copies only `type` and `id`, so callers' richer objects never leak into stored state. */
export function person(ref: PersonRef): PersonRef {
  return ref.type === 'member' ? { type: 'member', id: ref.id } : { type: 'contact', id: ref.id };
}

export function samePerson(a: PersonRef, b: PersonRef): boolean {
  return a.type === b.type && a.id === b.id;
}

export function includesPerson(list: readonly PersonRef[], p: PersonRef): boolean {
  return list.some((q) => samePerson(q, p));
}

/** Removes duplicates (same type and id), keeping the first-seen order. */
export function uniquePeople(list: readonly PersonRef[]): PersonRef[] {
  const seen = new Set<string>();
  const out: PersonRef[] = [];
  for (const p of list) {
    const key = `${p.type}:${p.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(person(p));
  }
  return out;
}

export function actorAsPerson(actor: Actor): PersonRef {
  return actor.type === 'member' ? { type: 'member', id: actor.id } : { type: 'contact', id: actor.id };
}
