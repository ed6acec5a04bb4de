import type { Block, EmailDoc } from './doc.js';

function heading(text: string, underline: string): string {
  return `${text}\n${underline.repeat(Math.max(3, Math.min([...text].length, 72)))}`;
}

/** A value over several lines keeps its continuation lines under the value. */
function field(label: string, colon: string, value: string): string {
  return `${label}${colon}${value.split('\n').join('\n  ')}`;
}

function block(b: Block, colon: string): string {
  const label = (text: string) => `${text}${colon.trimEnd()}`;
  switch (b.type) {
    case 'paragraph':
      return b.text;
    case 'actions': {
      const links = b.actions.map((a) => `${label(a.label)}\n${a.url}`).join('\n\n');
      return b.heading ? `${heading(b.heading, '-')}\n${links}` : links;
    }
    case 'notes':
      return b.lines.join('\n\n');
    case 'quote':
      return `${label(b.label)}\n${b.body
        .split('\n')
        .map((line) => (line ? `> ${line}` : '>'))
        .join('\n')}`;
    case 'fields': {
      const rows = b.rows.map((r) => field(r.label, colon, r.value)).join('\n');
      return [heading(b.heading, '-'), rows, b.note].filter((s) => s).join('\n');
    }
    case 'section':
      return `${heading(b.heading, '-')}\n${b.body}`;
    case 'thread': {
      const head = [heading(b.heading, '-'), b.note].filter((s) => s).join('\n');
      const entries = b.entries.map((e) => `${e.line}\n${e.body}`);
      return `${head}\n${entries.join('\n\n')}`;
    }
    case 'link':
      return `${label(b.label)}\n${b.url}`;
  }
}

/** The plain-text part: the same content as the HTML, links written out in full. */
export function renderText(doc: EmailDoc): string {
  const parts = [
    heading(doc.headline, '='),
    doc.greeting,
    ...doc.blocks.map((b) => block(b, doc.colon)),
    `-- \n${doc.footer}`,
  ];
  return `${parts.join('\n\n')}\n`;
}
