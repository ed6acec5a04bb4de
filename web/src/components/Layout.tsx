import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useNavigate } from 'react-router';
import type { ApprovalTasks } from '../api/types.js';
import { get } from '../api.js';
import { useSession } from '../session.js';
import { LanguageSwitch } from './LanguageSwitch.js';

/** Number of approvals waiting on the signed-in person, shown in the navigation. */
export function useAwaitingCount(): number | null {
  const { me, settings } = useSession();
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!me || !settings?.approvalsEnabled) return;
    let alive = true;
    const load = () =>
      get<ApprovalTasks>('/me/approval-tasks?limit=200')
        .then((r) => alive && setCount(r.awaitingMe.length))
        .catch(() => undefined);
    void load();
    const timer = setInterval(load, 30_000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [me, settings?.approvalsEnabled]);
  return count;
}

function Shell({ nav, children }: { nav: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skipToContent')}
      </a>
      <header className="topbar">
        <Link to={me?.type === 'contact' ? '/portal' : '/'} className="brand">
          {t('appName')}
        </Link>
        <nav aria-label={t('nav.main')}>{nav}</nav>
        <div className="topbar-right">
          <LanguageSwitch />
          {me ? (
            <>
              <span className="muted">{me.name}</span>
              <button
                type="button"
                className="link-button"
                onClick={async () => {
                  const portal = me.type === 'contact';
                  await signOut();
                  navigate(portal ? '/portal/signin' : '/signin');
                }}
              >
                {t('nav.signOut')}
              </button>
            </>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

export function AgentLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { me, settings } = useSession();
  const count = useAwaitingCount();
  return (
    <Shell
      nav={
        <ul className="nav">
          <li>
            <NavLink to="/" end>
              {t('nav.tickets')}
            </NavLink>
          </li>
          {settings?.approvalsEnabled ? (
            <li>
              <NavLink to="/tasks">
                {t('nav.tasks')} › {t('nav.approvalRequests')}
                {count ? (
                  <span className="count">
                    <span className="visually-hidden">: </span>
                    {count}
                  </span>
                ) : null}
              </NavLink>
            </li>
          ) : null}
          {me?.type === 'member' && me.role === 'admin' ? (
            <li>
              <NavLink to="/admin">{t('nav.admin')}</NavLink>
            </li>
          ) : null}
          <li>
            <NavLink to="/profile">{t('account.profile')}</NavLink>
          </li>
        </ul>
      }
    >
      {children}
    </Shell>
  );
}

export function PortalLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation('portal');
  return (
    <Shell
      nav={
        <ul className="nav">
          <li>
            <NavLink to="/portal" end>
              {t('nav.myTickets')}
            </NavLink>
          </li>
          <li>
            <NavLink to="/portal/profile">{t('common:account.profile')}</NavLink>
          </li>
        </ul>
      }
    >
      {children}
    </Shell>
  );
}

export function BareLayout({ children }: { children: ReactNode }) {
  return <Shell nav={null}>{children}</Shell>;
}
