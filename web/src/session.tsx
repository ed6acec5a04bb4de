import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import type { Me, Session, Settings } from './api/types.js';
import { api, get, setCsrfToken } from './api.js';
import { hasChosenLocale, setLocale } from './i18n.js';

type SessionValue = {
  me: Me | null;
  settings: Settings | null;
  loading: boolean;
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

  const refresh = useCallback(async () => {
    try {
      const who = await get<Me>('/me');
      const workspace = await get<Settings>('/settings');
      setMe(who);
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
