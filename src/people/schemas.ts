import { z } from 'zod';
import { pageOf } from '../shared/http/responses.js';

const localeAnswer = z.enum(['en', 'fr']).nullable().describe('null: the workspace default');

/** A member as the API shows them: never their password hash (the serializer drops any other key). */
export const memberAnswer = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role: z.enum(['admin', 'agent']),
    locale: localeAnswer,
    active: z.boolean(),
    createdAt: z.date(),
  })
  .meta({ id: 'Member' });

/** A customer contact as the API shows them: never their password hash. */
export const contactAnswer = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    locale: localeAnswer,
    organization: z.string().nullable(),
    createdAt: z.date(),
  })
  .meta({ id: 'Contact' });

export const memberPage = pageOf(memberAnswer, 'MemberPage');
export const contactPage = pageOf(contactAnswer, 'ContactPage');
