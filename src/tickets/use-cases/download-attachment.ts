import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { isUuid } from '../../auth/tokens.js';
import { notFound } from '../../shared/errors.js';
import type { AppDeps } from '../../shared/http/types.js';
import * as repo from '../repo.js';

export const attachmentParams = z.strictObject({
  id: z.string().max(100),
  attachmentId: z.string().max(100),
});

/** The file's bytes, documented as such; the route sends a Buffer, which Fastify writes as it is. */
export const attachmentContent = z
  .custom<Buffer>((v) => Buffer.isBuffer(v))
  .meta({ type: 'string', format: 'binary', description: 'The file, with its own Content-Type.' });

export type AttachmentFile = { filename: string; contentType: string; content: Buffer };

/**
 * GET /tickets/{id}/attachments/{attachmentId} (SPEC §8.2): a file of a message, for whoever may see the
 * message: members, and contacts with access to the ticket when the message is public. 404 otherwise,
 * the same answer as for a file that does not exist.
 */
export async function downloadAttachment(
  { db }: Pick<AppDeps, 'db'>,
  principal: Principal,
  ticketId: string,
  attachmentId: string,
): Promise<AttachmentFile> {
  const ticket = await repo.visibleTicket(db, principal, ticketId);
  if (!isUuid(attachmentId)) throw notFound('Attachment');
  let q = db
    .selectFrom('ticket_attachments as a')
    .innerJoin('ticket_messages as m', (join) =>
      join.onRef('m.workspace_id', '=', 'a.workspace_id').onRef('m.id', '=', 'a.message_id'),
    )
    .select(['a.filename', 'a.content_type', 'a.content'])
    .where('a.workspace_id', '=', principal.workspaceId)
    .where('a.ticket_id', '=', ticket.id)
    .where('a.id', '=', attachmentId);
  if (principal.type === 'contact') q = q.where('m.public', '=', true);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Attachment');
  return { filename: row.filename, contentType: row.content_type, content: row.content };
}

/**
 * `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII fallback without quotes, slashes or
 * control characters, and the exact name percent-encoded.
 */
export function contentDisposition(filename: string): string {
  const fallback =
    filename
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\/;%]/g, '_')
      .trim() || 'attachment';
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A content type safe to answer with: a well-formed `type/subtype`, else application/octet-stream. */
export function safeContentType(contentType: string): string {
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i.test(contentType)
    ? contentType.toLowerCase()
    : 'application/octet-stream';
}
