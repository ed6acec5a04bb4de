import { z } from 'zod';
import { pageOf } from '../../shared/http/responses.js';

/** What the group routes answer (issue 13 item 1): members only ever read groups (admins write them). */

const namedPerson = z.object({ id: z.string(), name: z.string() });

export const group = z
  .object({
    id: z.string(),
    name: z.string(),
    memberIds: z.array(z.string()),
    contactIds: z.array(z.string()),
    members: z.array(namedPerson),
    contacts: z.array(namedPerson),
    createdAt: z.date(),
  })
  .meta({ id: 'Group' });

export const groupPage = pageOf(group, 'GroupPage');
