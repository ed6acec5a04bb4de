import { describe, expect, it } from 'vitest';
import { browserSuiteHooks } from './suite.js';
import { browserAvailable, newWorkspace, signIn } from './support.js';

/**
 * The admin's people pages (SPEC §5, issue 10): an admin adds a contact with a first password and edits
 * members and contacts, but never sets an existing person's password — only the person does (their
 * profile, a reset or an invitation link), and the API refuses an admin's with 403
 * password_self_service. So the edit dialogs do not offer a password field at all.
 */
describe.skipIf(!browserAvailable())('browser: admin people pages', () => {
  const env = browserSuiteHooks();

  it('adds a contact with a password; the edit dialogs of contacts and members save without one', async () => {
    const ws = await newWorkspace(env().api, {});
    const agent = await ws.member('Alex Agent');
    const page = await env().newPage();
    await signIn(page, ws.id, ws.admin.email, undefined, { next: '/admin/contacts' });

    // Adding: the password is offered (admins may give a new contact one).
    await page.getByRole('button', { name: 'Add contact' }).click();
    const add = page.getByRole('dialog', { name: 'Add a contact' });
    await add.getByLabel('Name', { exact: true }).fill('Carla Contact');
    await add.getByLabel('Email', { exact: true }).fill(`carla-${Date.now()}@example.test`);
    await add.getByLabel(/^Password/).fill('a first passphrase');
    await add.getByRole('button', { name: 'Add contact' }).click();
    await add.waitFor({ state: 'detached' });
    await page.getByText('Carla Contact', { exact: true }).waitFor();

    // Editing a contact: no password field; a change of name saves.
    await page.getByRole('button', { name: 'Edit Carla Contact' }).click();
    const editContact = page.getByRole('dialog', { name: 'Edit Carla Contact' });
    await editContact.getByLabel('Name', { exact: true }).waitFor();
    expect(await editContact.locator('input[type="password"]').count()).toBe(0);
    await editContact.getByLabel('Name', { exact: true }).fill('Carla Customer');
    await editContact.getByRole('button', { name: 'Save' }).click();
    await editContact.waitFor({ state: 'detached' });
    await page.getByText('Carla Customer', { exact: true }).waitFor();

    // Editing a member: no password field either; a change of name saves.
    await page.goto('/admin/members');
    await page.getByRole('button', { name: `Edit ${agent.name}` }).click();
    const editMember = page.getByRole('dialog', { name: `Edit ${agent.name}` });
    await editMember.getByLabel('Name', { exact: true }).waitFor();
    expect(await editMember.locator('input[type="password"]').count()).toBe(0);
    await editMember.getByLabel('Name', { exact: true }).fill('Alexandra Agent');
    await editMember.getByRole('button', { name: 'Save' }).click();
    await editMember.waitFor({ state: 'detached' });
    await page.getByText('Alexandra Agent', { exact: true }).waitFor();
  });
});
