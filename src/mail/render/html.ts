import escapeHtml from 'escape-html';
import type { Action, Block, EmailDoc } from './doc.js';

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const TEXT = '#1f2933';
const MUTED = '#52606d';
const LINE = '#d9dee4';

/** Escapes, then keeps the line breaks. */
function multiline(value: string): string {
  return escapeHtml(value).replace(/\n/g, '<br>');
}

/** Escaped for an attribute; a script-running scheme becomes a dead link. */
function href(url: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers ignore them inside a scheme
  const scheme = url.replace(/[\u0000-\u0020]+/g, '').toLowerCase();
  if (/^(javascript|vbscript|data):/.test(scheme)) return '#';
  return escapeHtml(url.trim());
}

const BUTTON: Record<Action['tone'], string> = {
  approve: 'background-color:#1a7f37;border:1px solid #1a7f37;color:#ffffff',
  deny: 'background-color:#b42318;border:1px solid #b42318;color:#ffffff',
  neutral: `background-color:#ffffff;border:1px solid ${TEXT};color:${TEXT}`,
  primary: 'background-color:#1d4ed8;border:1px solid #1d4ed8;color:#ffffff',
};

function h2(text: string): string {
  return `<h2 style="margin:0 0 8px;font-size:16px;line-height:22px;color:${TEXT};${FONT}">${escapeHtml(text)}</h2>`;
}

function p(inner: string, style = ''): string {
  return `<p style="margin:0 0 16px;font-size:15px;line-height:22px;color:${TEXT};${FONT};${style}">${inner}</p>`;
}

function button(a: Action): string {
  return (
    `<a href="${href(a.url)}" target="_blank" rel="noopener" ` +
    `style="display:inline-block;margin:0 8px 8px 0;padding:10px 18px;border-radius:4px;${BUTTON[a.tone]};` +
    `font-size:15px;line-height:20px;font-weight:bold;text-decoration:none;${FONT}">${escapeHtml(a.label)}</a>`
  );
}

function block(b: Block): string {
  switch (b.type) {
    case 'paragraph':
      return p(multiline(b.text));
    case 'actions':
      return (
        `<div style="margin:0 0 8px">${b.heading ? h2(b.heading) : ''}` +
        `<div style="margin:0 0 8px">${b.actions.map(button).join('')}</div></div>`
      );
    case 'notes':
      return b.lines
        .map((line) => p(multiline(line), `font-size:13px;line-height:19px;color:${MUTED}`))
        .join('');
    case 'quote':
      return (
        p(`<strong>${escapeHtml(b.label)}</strong>`, 'margin-bottom:4px') +
        `<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:3px solid ${LINE};background-color:#f7f8fa;` +
        `font-size:15px;line-height:22px;color:${TEXT};${FONT}">${multiline(b.body)}</blockquote>`
      );
    case 'fields': {
      const rows = b.rows
        .map(
          (r) =>
            `<tr><th scope="row" align="left" valign="top" style="padding:4px 12px 4px 0;width:35%;font-weight:normal;` +
            `color:${MUTED};font-size:14px;line-height:20px;${FONT}">${escapeHtml(r.label)}</th>` +
            `<td valign="top" style="padding:4px 0;color:${TEXT};font-size:14px;line-height:20px;${FONT}">` +
            `${multiline(r.value)}</td></tr>`,
        )
        .join('');
      const note = b.note ? p(escapeHtml(b.note), `font-size:13px;color:${MUTED}`) : '';
      return (
        `<div style="margin:0 0 16px">${h2(b.heading)}` +
        `<table width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 8px">` +
        `${rows}</table>${note}</div>`
      );
    }
    case 'section':
      return `<div style="margin:0 0 16px">${h2(b.heading)}${p(multiline(b.body))}</div>`;
    case 'thread': {
      const note = b.note ? p(escapeHtml(b.note), `font-size:13px;color:${MUTED}`) : '';
      const entries = b.entries
        .map(
          (e) =>
            `<div style="margin:0 0 12px;padding:8px 12px;border-left:3px solid ${LINE}">` +
            `<p style="margin:0 0 4px;font-size:13px;line-height:19px;color:${MUTED};${FONT}">` +
            `<strong style="color:${TEXT}">${escapeHtml(e.author)}</strong>` +
            `${e.date ? ` — ${escapeHtml(e.date)}` : ''}</p>` +
            `<div style="font-size:14px;line-height:21px;color:${TEXT};${FONT}">${multiline(e.body)}</div></div>`,
        )
        .join('');
      return `<div style="margin:8px 0 16px;padding-top:16px;border-top:1px solid ${LINE}">${h2(b.heading)}${note}${entries}</div>`;
    }
    case 'link':
      return p(
        `<a href="${href(b.url)}" target="_blank" rel="noopener" style="color:#1d4ed8;text-decoration:underline">` +
          `${escapeHtml(b.label)}</a>`,
      );
  }
}

/** A simple table layout with inline styles, readable in every mail client and by screen readers. */
export function renderHtml(doc: EmailDoc): string {
  const lang = escapeHtml(doc.locale);
  return (
    `<!DOCTYPE html>\n<html lang="${lang}" dir="ltr"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="color-scheme" content="light">' +
    `<title>${escapeHtml(doc.subject)}</title></head>` +
    `<body style="margin:0;padding:0;background-color:#f3f4f6">` +
    `<div style="display:none;max-height:0;overflow:hidden;opacity:0;mso-hide:all" aria-hidden="true">${escapeHtml(doc.preheader)}</div>` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f4f6">` +
    `<tr><td align="center" style="padding:24px 12px">` +
    `<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" ` +
    `style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid ${LINE};border-radius:6px">` +
    `<tr><td style="padding:16px 24px;border-bottom:1px solid ${LINE};font-size:14px;font-weight:bold;color:${MUTED};${FONT}">` +
    `${escapeHtml(doc.workspaceName)}</td></tr>` +
    `<tr><td style="padding:24px">` +
    `<h1 style="margin:0 0 16px;font-size:22px;line-height:28px;color:${TEXT};${FONT}">${escapeHtml(doc.headline)}</h1>` +
    p(escapeHtml(doc.greeting)) +
    doc.blocks.map(block).join('') +
    `</td></tr>` +
    `<tr><td style="padding:16px 24px;border-top:1px solid ${LINE};font-size:12px;line-height:18px;color:${MUTED};${FONT}">` +
    `${escapeHtml(doc.footer)}</td></tr>` +
    `</table></td></tr></table></body></html>\n`
  );
}
