import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactRef, expectStatus, memberRef } from '../support/approvals.js';
import { engine } from '../support/database.js';
import type { ReceivedEmail } from '../support/smtp-sink.js';
import { newWorkspace, type Person, type Workspace } from '../support/workspace.js';
import { addContact, addMember, drain, type MailEnv, mailTo, startMailEnv } from './harness.js';

/**
 * SPEC §8.1 "Needs information": the `needs_info` email (the question, to the requesting member
 * and the on-behalf-of person) and the `info_provided` email (the answer, to whoever asked), in
 * English and French, as a real SMTP server receives them.
 */

let env: MailEnv;
let ws: Workspace;
let requester: Person; // member, en
let approver: Person; // member, fr
let customer: Person; // contact, fr, the ticket's requester and on-behalf-of person

const TITLE = 'Laptops for design';
const QUESTION = 'Which cost centre pays for these?';
const ANSWER = 'Cost centre 4711, design team.';

/** French typography puts no-break spaces before colons and after « and n°; compare with plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

beforeAll(async () => {
  env = await startMailEnv();
  ws = await newWorkspace(env.api, {
    approvalsEnabled: true,
    contactsCanViewApprovals: true,
    contactApprovalEmails: true,
  });
  [requester, approver, customer] = await Promise.all([
    addMember(env.api, ws, { name: 'Rita Requester', locale: 'en' }),
    addMember(env.api, ws, { name: 'Anaïs Approbatrice', locale: 'fr' }),
    addContact(env.api, ws, { name: 'Camille Client', locale: 'fr' }),
  ]);
});
afterAll(() => env?.close());

async function received(person: Person, subjectPart: string): Promise<ReceivedEmail> {
  await drain(env.db, env.sink);
  const found = env.sink.messages.filter(mailTo(person, subjectPart));
  expect(found, `${subjectPart} to ${person.name}`).toHaveLength(1);
  return found[0]!;
}

describe(`needs information emails (${engine})`, () => {
  it('§8.1 the question reaches the requesting member (en) and the on-behalf-of contact (fr); the answer reaches whoever asked (fr)', async () => {
    const ticket = await ws.ticket(customer);
    const created = expectStatus(
      await env.api.post(
        `/tickets/${ticket.id}/approvals`,
        { title: TITLE, approvers: [memberRef(approver)], onBehalfOf: contactRef(customer) },
        { token: requester.token },
      ),
      201,
    );
    expectStatus(
      await env.api.post(
        `/approvals/${created.id}/needs-info`,
        { question: QUESTION },
        { token: approver.token },
      ),
      200,
    );

    const toRequester = await received(requester, 'more information is needed');
    expect(toRequester.subject).toBe(`[Approval #${created.number}] ${TITLE} — more information is needed`);
    expect(toRequester.text).toContain(
      `Anaïs Approbatrice needs more information before deciding on request #${created.number}`,
    );
    expect(toRequester.text).toContain('Question from Anaïs Approbatrice');
    expect(toRequester.text).toContain(QUESTION);
    expect(toRequester.html).toContain(QUESTION.replace(/'/g, '&#39;'));
    // Members are sent to the ticket in the agent app, contacts to the portal.
    expect(toRequester.text).toContain(`${env.server.url}/tickets/${ticket.id}?approval=${created.id}`);

    const toCustomer = await received(customer, 'des informations sont demandées');
    expect(plain(toCustomer.subject)).toBe(
      `[Demande d'approbation n° ${created.number}] ${TITLE} — des informations sont demandées`,
    );
    expect(plain(toCustomer.text)).toContain('Question de Anaïs Approbatrice');
    expect(toCustomer.text).toContain(QUESTION);
    expect(toCustomer.text).toContain(`${env.server.url}/portal/tickets/${ticket.id}?approval=${created.id}`);
    // The one who asked is not emailed their own question.
    expect(env.sink.messages.filter(mailTo(approver, 'informations'))).toEqual([]);

    expectStatus(
      await env.api.post(`/approvals/${created.id}/info`, { answer: ANSWER }, { token: customer.token }),
      200,
    );
    const toApprover = await received(approver, 'a répondu à votre question');
    expect(plain(toApprover.subject)).toBe(
      `[Demande d'approbation n° ${created.number}] ${TITLE} — Camille Client a répondu à votre question`,
    );
    expect(plain(toApprover.text)).toContain('Réponse de Camille Client');
    expect(toApprover.text).toContain(ANSWER);
    expect(toApprover.text).toContain(`${env.server.url}/tickets/${ticket.id}?approval=${created.id}`);
    // Nobody else hears about the answer.
    expect(
      env.sink.messages.filter((m) => m.subject.includes('répondu') || m.subject.includes('answered')),
    ).toHaveLength(1);
  });
});
