import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useLocation, useNavigate } from 'react-router';
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

/**
 * The top bar. On a phone (narrow widths, see styles.css) the navigation, the language and the sign-out
 * fold behind one "Menu" button (issue 15): it says whether it is open (`aria-expanded`), names what it
 * opens (`aria-controls`), and Escape or choosing a page closes it.
 */
function Shell({ nav, children }: { nav: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  const { me, expired, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);

  // A new page closes the menu.
  useEffect(() => {
    void location.pathname;
    setOpen(false);
  }, [location.pathname]);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skipToContent')}
      </a>
      <header className="topbar">
        <Link to={me?.type === 'contact' ? '/portal' : '/'} className="brand">
          {t('appName')}
        </Link>
        <button
          ref={button}
          type="button"
          className="menu-button"
          aria-expanded={open}
          aria-controls={menuId}
          onClick={() => setOpen((o) => !o)}
        >
          <span className="menu-icon" aria-hidden="true" />
          {t('states.menu')}
        </button>
        <div id={menuId} className={open ? 'topbar-menu open' : 'topbar-menu'}>
          {nav ? <nav aria-label={t('nav.main')}>{nav}</nav> : null}
          <div className="topbar-right">
            <LanguageSwitch />
            {me ? (
              <>
                <span className="muted topbar-name">{me.name}</span>
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
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {expired && !me ? (
          <p className="notice" role="status">
            {t('states.sessionExpired')}
          </p>
        ) : null}
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
