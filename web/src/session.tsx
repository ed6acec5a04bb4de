import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { Me, Session, Settings } from './api/types.js';
import { api, get, setCsrfToken, setSessionLostHandler } from './api.js';
import { hasChosenLocale, setLocale } from './i18n.js';

type SessionValue = {
  me: Me | null;
  settings: Settings | null;
  loading: boolean;
  /** True once a call answered 401 while someone was signed in: the sign-in page says why it is shown. */
  expired: boolean;
  refresh(): Promise<void>;
  /** Without `workspaceId`, a `409 choose_workspace` ApiError carries the workspaces to choose from. */
  signIn(email: string, password: string, workspaceId?: string): Promise<Me>;
  signOut(): Promise<void>;
};

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [loading, setLoading] = useState(true);
  const [expired, setExpired] = useState(false);
  const signedIn = useRef(false);
  // What one person loaded is never shown to the next one signing in on this tab.
  const queries = useQueryClient();
  signedIn.current = me !== null;

  // A 401 from any call while signed in: the session is gone (expired, signed out in another tab).
  useEffect(() => {
    setSessionLostHandler(() => {
      if (!signedIn.current) return;
      signedIn.current = false;
      setCsrfToken(null);
      setExpired(true);
      setMe(null);
      setSettings(null);
      queries.clear();
    });
    return () => setSessionLostHandler(null);
  }, [queries]);

  const refresh = useCallback(async () => {
    try {
      const who = await get<Me>('/me');
      const workspace = await get<Settings>('/settings');
      setMe(who);
      setExpired(false);
      setSettings(workspace);
      // SPEC §8.3: the language kept on the profile is the app's; without one, the person's own
      // choice on this browser, else the workspace's default.
      if (who.locale) setLocale(who.locale);
      else if (!hasChosenLocale()) setLocale(workspace.defaultLocale ?? 'en', false);
    } catch {
      setMe(null);
      setSettings(null);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signIn = useCallback(
    async (email: string, password: string, workspaceId?: string) => {
      const res = await api<Session>('POST', '/auth/login', {
        ...(workspaceId ? { workspaceId } : {}),
        email,
        password,
        session: 'cookie',
      });
      // A cookie session answers its CSRF token; a bearer one (never asked for here) has none.
      setCsrfToken('csrfToken' in res ? res.csrfToken : null);
      queries.clear();
      await refresh();
      return (await get<Me>('/me')) as Me;
    },
    [refresh, queries],
  );

  const signOut = useCallback(async () => {
    await api('POST', '/auth/logout', {}).catch(() => undefined);
    setCsrfToken(null);
    setMe(null);
    setSettings(null);
    queries.clear();
  }, [queries]);

  return (
    <SessionContext.Provider value={{ me, settings, loading, expired, refresh, signIn, signOut }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
