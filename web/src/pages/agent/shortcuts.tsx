import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

/** What a page of the agent workspace does on its own keys (the `g` pairs and `?` work everywhere). */
export type PageShortcuts = {
  /** `/`: focus the search box. */
  search?: () => void;
  /** `j` / `k`: the next / previous row of a list. */
  next?: () => void;
  previous?: () => void;
  /** `o` (and Enter when nothing else has focus): open the current row. */
  open?: () => void;
  /** `x`: select or unselect the current row. */
  select?: () => void;
  /** `r`: write a reply. */
  reply?: () => void;
};

/** The keys listed in the `?` sheet, in its order, with their description's key in `agent:shortcuts`. */
const SHEET: { keys: string[]; what: string }[] = [
  { keys: ['/'], what: 'search' },
  { keys: ['j'], what: 'next' },
  { keys: ['k'], what: 'previous' },
  { keys: ['o', 'Enter'], what: 'open' },
  { keys: ['x'], what: 'select' },
  { keys: ['r'], what: 'reply' },
  { keys: ['g', 't'], what: 'goTickets' },
  { keys: ['g', 'a'], what: 'goTasks' },
  { keys: ['?'], what: 'help' },
  { keys: ['Esc'], what: 'close' },
];

/** Typing in a field, or a key with a modifier (browser and screen reader commands), is never a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/** Enter belongs to the focused control (a link, a button); only on the page itself does it open the row. */
function isInteractive(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest('a, button, summary, [role="tab"]') !== null;
}

const PAIR_TIMEOUT_MS = 1500;

/**
 * The agent workspace's keyboard shortcuts (issue 15): the page's own keys, `g t` (tickets), `g a` (tasks)
 * and `?` (the sheet listing them). None is active while typing in a field or while a dialog is open.
 * Returns the sheet, to be rendered by the page.
 */
export function useShortcuts(page: PageShortcuts) {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const handlers = useRef(page);
  handlers.current = page;

  useEffect(() => {
    let pendingG = 0;
    function onKeyDown(e: KeyboardEvent) {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const h = handlers.current;
      const run = (fn: (() => void) | undefined) => {
        if (!fn) return;
        e.preventDefault();
        fn();
      };
      if (pendingG && Date.now() - pendingG < PAIR_TIMEOUT_MS) {
        pendingG = 0;
        if (e.key === 't') return run(() => navigate('/'));
        if (e.key === 'a') return run(() => navigate('/tasks'));
      }
      pendingG = 0;
      switch (e.key) {
        case 'g':
          pendingG = Date.now();
          return;
        case '?':
          return run(() => setOpen(true));
        case '/':
          return run(h.search);
        case 'j':
          return run(h.next);
        case 'k':
          return run(h.previous);
        case 'o':
          return run(h.open);
        case 'Enter':
          if (!isInteractive(e.target)) run(h.open);
          return;
        case 'x':
          return run(h.select);
        case 'r':
          return run(h.reply);
      }
    }
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [navigate]);

  return <ShortcutSheet open={open} onClose={() => setOpen(false)} />;
}

/** The `?` sheet: a modal dialog (focus kept inside, Esc or Close closes it and focus goes back). */
function ShortcutSheet({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation('agent');
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  const back = useRef<Element | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      back.current = document.activeElement;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="ag-shortcuts"
      aria-labelledby={headingId}
      onClose={() => {
        onClose();
        if (back.current instanceof HTMLElement) back.current.focus();
      }}
    >
      <h2 id={headingId}>{t('shortcuts.title')}</h2>
      <table>
        <caption className="visually-hidden">{t('shortcuts.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('shortcuts.key')}</th>
            <th scope="col">{t('shortcuts.action')}</th>
          </tr>
        </thead>
        <tbody>
          {SHEET.map((s) => (
            <tr key={s.what}>
              <td>
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0
                      ? s.what === 'open'
                        ? ` ${t('shortcuts.or')} `
                        : ` ${t('shortcuts.followedBy')} `
                      : null}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{t(`shortcuts.${s.what}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t('shortcuts.notWhileTyping')}</p>
      <form method="dialog" className="row">
        <button type="submit" className="primary">
          {t('shortcuts.closeButton')}
        </button>
      </form>
    </dialog>
  );
}
