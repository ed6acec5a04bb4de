/**
 * The words every module speaks: who a person is, where an action came from, which language
 * an email is in. They live here, below every module, so that tickets, people, auth and mail
 * need not import the approval core to name a person (issue 13 item 4: no module cycles).
 */

export type PersonType = 'member' | 'contact';
export type MemberRef = { type: 'member'; id: string };
export type ContactRef = { type: 'contact'; id: string };
/** A concrete person: what every approver reference resolves to. */
export type PersonRef = MemberRef | ContactRef;

/** Where an action came from: the agent app, the customer portal, a link in an email, a reply to an approval email (SPEC §8.2), or the API. */
export type Channel = 'agent_ui' | 'portal' | 'email_link' | 'email_reply' | 'api';

/** The languages of the app and of its emails. */
export type Locale = 'en' | 'fr';
