import { useTranslation } from 'react-i18next';
import { NavLink, Route, Routes } from 'react-router';
import { Page } from '../../components/common.js';
import { useSession } from '../../session.js';
import { ContactsPage } from './ContactsPage.js';
import { DeadEmailsPage } from './DeadEmailsPage.js';
import { GroupsPage } from './GroupsPage.js';
import { MembersPage } from './MembersPage.js';
import { SettingsPage } from './SettingsPage.js';
import { TemplateEditor } from './TemplateEditor.js';
import { TemplatesPage } from './TemplatesPage.js';
import './admin.css';

/** The admin sub-navigation; groups and templates say "off" while the approvals module is off. */
function AdminNav() {
  const { t } = useTranslation('admin');
  const { settings } = useSession();
  const approvalsOff = settings ? !settings.approvalsEnabled : false;
  const off = approvalsOff ? <span className="badge badge-none admin-off">{t('nav.off')}</span> : null;
  return (
    <nav aria-label={t('nav.label')} className="admin-nav">
      <ul>
        <li>
          <NavLink to="/admin" end>
            {t('nav.settings')}
          </NavLink>
        </li>
        <li>
          <NavLink to="/admin/members">{t('nav.members')}</NavLink>
        </li>
        <li>
          <NavLink to="/admin/contacts">{t('nav.contacts')}</NavLink>
        </li>
        <li>
          <NavLink to="/admin/groups">
            {t('nav.groups')} {off}
          </NavLink>
        </li>
        <li>
          <NavLink to="/admin/templates">
            {t('nav.templates')} {off}
          </NavLink>
        </li>
        <li>
          <NavLink to="/admin/emails">{t('nav.deadEmails')}</NavLink>
        </li>
      </ul>
    </nav>
  );
}

function AdminNotFound() {
  const { t } = useTranslation('common');
  return <Page title={t('notFound')}>{null}</Page>;
}

/** `/admin/*`: settings, members, contacts, approval groups and templates (admins only, see App). */
export function AdminPage() {
  return (
    <div className="admin">
      <AdminNav />
      <Routes>
        <Route index element={<SettingsPage />} />
        <Route path="members" element={<MembersPage />} />
        <Route path="contacts" element={<ContactsPage />} />
        <Route path="groups" element={<GroupsPage />} />
        <Route path="templates" element={<TemplatesPage />} />
        <Route path="templates/new" element={<TemplateEditor />} />
        <Route path="templates/:id" element={<TemplateEditor />} />
        <Route path="emails" element={<DeadEmailsPage />} />
        <Route path="*" element={<AdminNotFound />} />
      </Routes>
    </div>
  );
}
