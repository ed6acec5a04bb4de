import { z } from 'zod';
import { hit } from '../../auth/rate-limit.js';
import { createSession } from '../../auth/sessions.js';
import { createMember } from '../../people/repo.js';
import { memberAnswer } from '../../people/schemas.js';
import { type Db, inTransaction } from '../../shared/db/connect.js';
import { tooManyRequests } from '../../shared/errors.js';
import { email, password, personName, workspaceName } from '../../shared/http/schemas.js';
import type { RateLimits } from '../../shared/http/types.js';
import { createWorkspace } from '../repo.js';
import { slugSchema } from '../settings.js';

/**
 * Self-service sign-up (SPEC §5): a new workspace with its first admin, signed in. It lives with
 * workspaces, which it creates, so that auth imports no feature module (no module cycle).
 */
export const signUpSchema = {
  body: z.strictObject({
    workspaceName,
    /** The workspace's inbound address (SPEC §8.2); made from the name when absent. */
    slug: slugSchema.optional(),
    name: personName,
    email,
    password,
  }),
  answer: z
    .object({
      workspace: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
      member: memberAnswer,
      token: z.string().describe('A session of the new admin: send as Authorization: Bearer'),
    })
    .meta({ id: 'Signup' }),
};

export async function signUp(
  deps: { db: Db; now: () => Date; rateLimits: RateLimits },
  clientAddress: string,
  body: z.infer<typeof signUpSchema.body>,
) {
  const { db, now, rateLimits } = deps;
  const limit = await hit(db, `signup:ip:${clientAddress}`, rateLimits.signups);
  if (limit.count > rateLimits.signups.max) {
    throw tooManyRequests(limit.retryAfterSeconds, 'Too many signups from this address');
  }
  const { workspaceName: name, slug, ...person } = body;
  return inTransaction(db, async (tx) => {
    const workspace = await createWorkspace(tx, { name, ...(slug ? { slug } : {}) });
    const member = await createMember(tx, workspace.id, { ...person, role: 'admin' });
    const token = await createSession(tx, workspace.id, { type: 'member', id: member.id }, now());
    return { workspace: { id: workspace.id, name, slug: workspace.slug }, member, token };
  });
}
