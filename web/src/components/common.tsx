import { QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.js';

/** A 4xx says something about the request (not found, not allowed, signed out): asking again won't help. */
function worthRetrying(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 1;
}

/**
 * The web app's one query cache (issue 15): a failed load (a 5xx, a lost connection) is tried once more
 * after a short pause, a 4xx never; nothing reloads behind a page's back on focus, so a form half filled
 * keeps what it shows.
 */
export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: worthRetrying,
        retryDelay: 400,
        refetchOnWindowFocus: false,
        staleTime: 0,
        gcTime: 5 * 60_000,
      },
    },
  });
}

/**
 * Loads data for a page. `key` names what the loader depends on (an id, a filter): a new key loads again,
 * and `reload` runs it again after a change. Behind it, TanStack Query: the cache entry is the key and the
 * loader's own source, so two loaders that share a key (a ticket and its activity, both keyed by the id)
 * never read each other's data, and a page opened again shows what it had at once while it reloads.
 */
export function useAsync<T>(load: () => Promise<T>, key: string) {
  const loader = useRef(load);
  loader.current = load;
  const queryKey = ['async', key, load.toString()];
  const hash = JSON.stringify(queryKey);
  const client = useQueryClient();
  const query = useQuery<T, Error>({ queryKey, queryFn: () => loader.current() });
  const { refetch } = query;
  const reload = useCallback(async () => {
    await refetch();
  }, [refetch]);
  // Like React's setState: a value, or a function of the current one.
  const setData = useCallback(
    (next: T | null | ((current: T | null) => T | null)) => {
      client.setQueryData<T | null>(JSON.parse(hash) as unknown[], (old) =>
        typeof next === 'function' ? (next as (current: T | null) => T | null)(old ?? null) : next,
      );
    },
    [client, hash],
  );
  return {
    data: (query.data ?? null) as T | null,
    error: query.error,
    loading: query.isFetching || query.status === 'pending',
    reload,
    setData,
  };
}

/** "Loading…", announced politely to screen readers (a live region). */
export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="muted state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('states.loading')}
    </p>
  );
}

/** An empty list: one sentence saying what is empty, and what to do about it (a link, a button). */
export function EmptyState({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="state-empty">
      <p>{children}</p>
      {action ? <div className="state-empty-action">{action}</div> : null}
    </div>
  );
}

/**
 * What went wrong, in words a person can act on: the server's problem (its title and detail), or that the
 * server cannot be reached; never a bare "Something went wrong:".
 */
export function errorText(error: unknown, t: (key: string, options?: Record<string, unknown>) => string) {
  if (error instanceof ApiError) {
    const p = error.problem;
    if (p.code === 'network_error') {
      return p.status === 0 ? t('states.unreachable') : t('states.failed', { status: p.status });
    }
    const title = 'title' in p && typeof p.title === 'string' ? p.title : '';
    const detail = p.detail?.trim() ?? '';
    if (title && detail && !detail.toLowerCase().startsWith(title.toLowerCase()))
      return `${title}: ${detail}`;
    return detail || title || t('states.failed', { status: p.status });
  }
  // fetch() rejects with a TypeError when there is no answer at all (offline, server down).
  if (error instanceof TypeError || !(error instanceof Error) || !error.message)
    return t('states.unreachable');
  return error.message;
}

/**
 * An error, with a Retry button when the caller can load again (`onRetry`). The button says it is busy
 * while the new attempt runs.
 */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => unknown }) {
  const { t } = useTranslation();
  const [retrying, setRetrying] = useState(false);
  if (!error) return null;
  return (
    <div className="error state-error" role="alert">
      <p>{errorText(error, t as never)}</p>
      {onRetry ? (
        <button
          type="button"
          disabled={retrying}
          onClick={async () => {
            setRetrying(true);
            try {
              await onRetry();
            } finally {
              setRetrying(false);
            }
          }}
        >
          {retrying ? t('states.retrying') : t('states.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function StatusBadge({ status }: { status: string | null }) {
  const { t } = useTranslation();
  const key = status ?? 'none';
  return <span className={`badge badge-${key}`}>{t(`status.${key}`)}</span>;
}

export function Page({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  useEffect(() => {
    document.title = `${title} · Signoff`;
  }, [title]);
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{title}</h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}
