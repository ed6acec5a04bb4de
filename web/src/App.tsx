import { type ComponentType, lazy, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Loading, Page } from './components/common.js';
import { AgentLayout, BareLayout, PortalLayout } from './components/Layout.js';
import { PortalSignInBySlug, SignIn } from './pages/SignIn.js';
import { useSession } from './session.js';

/**
 * Route-level code splitting (issue 13): each area is a chunk the browser fetches when a route of it
 * is first shown. The public response page, opened from an email by people who never sign in, loads
 * the app shell and its own chunk: not the admin editor, the agent workspace or the portal.
 */
function lazyPage<K extends string, P extends object>(
  load: () => Promise<Record<K, ComponentType<P>>>,
  name: K,
) {
  return lazy(async () => ({ default: (await load())[name] }));
}
const agentArea = () => import('./pages/agent/index.js');
const portalArea = () => import('./pages/portal/index.js');
const accountArea = () => import('./pages/account/index.js');
const adminArea = () => import('./pages/admin/AdminPage.js');
const respondArea = () => import('./pages/respond/Respond.js');

const TicketsPage = lazyPage(agentArea, 'TicketsPage');
const TicketPage = lazyPage(agentArea, 'TicketPage');
const TasksPage = lazyPage(agentArea, 'TasksPage');
const PortalHome = lazyPage(portalArea, 'PortalHome');
const PortalTicket = lazyPage(portalArea, 'PortalTicket');
const PortalApproval = lazyPage(portalArea, 'PortalApproval');
const SignInLink = lazyPage(portalArea, 'SignInLink');
const Profile = lazyPage(accountArea, 'Profile');
const SetPassword = lazyPage(accountArea, 'SetPassword');
const ForgotPassword = lazyPage(accountArea, 'ForgotPassword');
const SignUp = lazyPage(accountArea, 'SignUp');
const AdminPage = lazyPage(adminArea, 'AdminPage');
const Respond = lazyPage(respondArea, 'Respond');
const DevMailbox = lazyPage(() => import('./pages/DevMailbox.js'), 'DevMailbox');

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
    <Suspense fallback={<Loading />}>
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
          path="/signup"
          element={
            <BareLayout>
              <SignUp />
            </BareLayout>
          }
        />
        <Route
          path="/forgot-password"
          element={
            <BareLayout>
              <ForgotPassword />
            </BareLayout>
          }
        />
        <Route
          path="/portal/forgot-password"
          element={
            <BareLayout>
              <ForgotPassword portal />
            </BareLayout>
          }
        />
        <Route
          path="/portal/:slug"
          element={
            <BareLayout>
              <PortalSignInBySlug />
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
    </Suspense>
  );
}
