import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Loading, Page } from './components/common.js';
import { AgentLayout, BareLayout, PortalLayout } from './components/Layout.js';
import { Profile } from './pages/account/Profile.js';
import { SetPassword } from './pages/account/SetPassword.js';
import { AdminPage } from './pages/admin/AdminPage.js';
import { TasksPage } from './pages/agent/TasksPage.js';
import { TicketPage } from './pages/agent/TicketPage.js';
import { TicketsPage } from './pages/agent/TicketsPage.js';
import { DevMailbox } from './pages/DevMailbox.js';
import { PortalApproval } from './pages/portal/PortalApproval.js';
import { PortalHome } from './pages/portal/PortalHome.js';
import { PortalTicket } from './pages/portal/PortalTicket.js';
import { SignInLink } from './pages/portal/SignInLink.js';
import { Respond } from './pages/respond/Respond.js';
import { SignIn } from './pages/SignIn.js';
import { useSession } from './session.js';

function RequireMember({ children, admin = false }: { children: ReactNode; admin?: boolean }) {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  if (me?.type !== 'member') {
    return (
      <Navigate to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} replace />
    );
  }
  if (admin && me.role !== 'admin') return <Navigate to="/" replace />;
  return <AgentLayout>{children}</AgentLayout>;
}

function RequireContact({ children }: { children: ReactNode }) {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  if (me?.type !== 'contact') {
    return (
      <Navigate
        to={`/portal/signin?next=${encodeURIComponent(location.pathname + location.search)}`}
        replace
      />
    );
  }
  return <PortalLayout>{children}</PortalLayout>;
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <BareLayout>
      <Page title={t('notFound')}>
        <p>
          <a href="/">{t('appName')}</a>
        </p>
      </Page>
    </BareLayout>
  );
}

export function App() {
  return (
    <Routes>
      <Route
        path="/signin"
        element={
          <BareLayout>
            <SignIn />
          </BareLayout>
        }
      />
      <Route
        path="/sign-in/link/:token"
        element={
          <BareLayout>
            <SignInLink portal={false} />
          </BareLayout>
        }
      />
      <Route
        path="/set-password/:token"
        element={
          <BareLayout>
            <SetPassword />
          </BareLayout>
        }
      />
      <Route
        path="/profile"
        element={
          <RequireMember>
            <Profile />
          </RequireMember>
        }
      />
      <Route
        path="/portal/profile"
        element={
          <RequireContact>
            <Profile />
          </RequireContact>
        }
      />
      <Route
        path="/"
        element={
          <RequireMember>
            <TicketsPage />
          </RequireMember>
        }
      />
      <Route
        path="/tickets/:id"
        element={
          <RequireMember>
            <TicketPage />
          </RequireMember>
        }
      />
      <Route
        path="/tasks"
        element={
          <RequireMember>
            <TasksPage />
          </RequireMember>
        }
      />
      <Route
        path="/admin/*"
        element={
          <RequireMember admin>
            <AdminPage />
          </RequireMember>
        }
      />
      <Route
        path="/portal/signin"
        element={
          <BareLayout>
            <SignIn portal />
          </BareLayout>
        }
      />
      <Route
        path="/portal/sign-in/:token"
        element={
          <BareLayout>
            <SignInLink />
          </BareLayout>
        }
      />
      <Route
        path="/portal"
        element={
          <RequireContact>
            <PortalHome />
          </RequireContact>
        }
      />
      <Route
        path="/portal/tickets/:id"
        element={
          <RequireContact>
            <PortalTicket />
          </RequireContact>
        }
      />
      <Route
        path="/portal/approvals/:id"
        element={
          <RequireContact>
            <PortalApproval />
          </RequireContact>
        }
      />
      <Route
        path="/respond/:token"
        element={
          <BareLayout>
            <Respond />
          </BareLayout>
        }
      />
      <Route
        path="/dev/mailbox"
        element={
          <BareLayout>
            <DevMailbox />
          </BareLayout>
        }
      />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
