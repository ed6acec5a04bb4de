import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import type { Me, Session, Settings } from './api/types.js';
import { api, get, setCsrfToken } from './api.js';
import { hasChosenLocale, setLocale } from './i18n.js';

type SessionValue = {
  me: Me | null;
  settings: Settings | null;
  loading: boolean;
  refresh(): Promise<void>;
  signIn(workspaceId: string, email: string, password: string): Promise<Me>;
  signOut(): Promise<void>;
};

const SessionContext = createContext<SessionValue | null>(null);

export const LAST_WORKSPACE_KEY = 'signoff.workspaceId';

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    try {
      const who = await get<Me>('/me');
      setMe(who);
      setSettings(await get<Settings>('/settings'));
      if (!hasChosenLocale()) setLocale(who.locale ?? 'en', false);
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
    async (workspaceId: string, email: string, password: string) => {
      const res = await api<Session>('POST', '/auth/login', {
        workspaceId,
        email,
        password,
        session: 'cookie',
      });
      // A cookie session answers its CSRF token; a bearer one (never asked for here) has none.
      setCsrfToken('csrfToken' in res ? res.csrfToken : null);
      localStorage.setItem(LAST_WORKSPACE_KEY, workspaceId);
      await refresh();
      return (await get<Me>('/me')) as Me;
    },
    [refresh],
  );

  const signOut = useCallback(async () => {
    await api('POST', '/auth/logout', {}).catch(() => undefined);
    setCsrfToken(null);
    setMe(null);
    setSettings(null);
  }, []);

  return (
    <SessionContext.Provider value={{ me, settings, loading, refresh, signIn, signOut }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
