// `npm run email-quota`: the instance operator's tool for sending quotas (issue 10 item 5).
//   npm run email-quota                              every workspace that has its own quota or sent this hour
//   npm run email-quota -- <workspace id> <per hour> sets that workspace's quota (0 stops its email)
//   npm run email-quota -- <workspace id> default    back to the instance default (EMAIL_QUOTA_PER_HOUR)
// It uses the server's configuration (DATABASE_URL, or DATA_DIR for the embedded database, which only one
// process may open: stop the server first there). A workspace admin cannot change a quota through the API.
import { sql } from 'kysely';
import { isUuid } from '../auth/tokens.js';
import { loadConfig } from '../shared/config.js';
import { openAndMigrate } from '../shared/db/connect.js';

const USAGE = 'usage: npm run email-quota [-- <workspace id> <emails per hour>|default]';

export function parseQuotaArgs(args: string[]): { workspaceId: string; perHour: number | null } | null {
  if (args.length === 0) return null;
  const [workspaceId, value] = args;
  if (args.length !== 2 || !workspaceId || !isUuid(workspaceId)) throw new Error(USAGE);
  if (value === 'default') return { workspaceId: workspaceId.toLowerCase(), perHour: null };
  const perHour = Number(value);
  if (!Number.isInteger(perHour) || perHour < 0 || perHour > 2_147_483_647) throw new Error(USAGE);
  return { workspaceId: workspaceId.toLowerCase(), perHour };
}

async function main() {
  const command = parseQuotaArgs(process.argv.slice(2));
  const config = loadConfig();
  const database = await openAndMigrate(config.database);
  const { db } = database;
  try {
    if (command) {
      const updated = await db
        .updateTable('workspaces')
        .set({ email_quota_per_hour: command.perHour })
        .where('id', '=', command.workspaceId)
        .returning(['id', 'name'])
        .executeTakeFirst();
      if (!updated) throw new Error(`no workspace ${command.workspaceId}`);
      // Emails waiting for the next hour under the old quota may go now if the new one allows.
      await sql`UPDATE outbox SET next_attempt_at = now()
        WHERE workspace_id = ${command.workspaceId} AND status = 'pending' AND next_attempt_at > now()
          AND attempts = 0`.execute(db);
      console.log(
        `${updated.name} (${updated.id}): ${command.perHour ?? `default (${config.emailQuotaPerHour})`} emails per hour`,
      );
      return;
    }
    const { rows } = await sql<{ id: string; name: string; quota: number | null; claimed: number | null }>`
      SELECT w.id, w.name, w.email_quota_per_hour AS quota, u.claimed
      FROM workspaces w
      LEFT JOIN email_quota_usage u ON u.workspace_id = w.id AND u.window_start = date_trunc('hour', now())
      WHERE w.email_quota_per_hour IS NOT NULL OR u.claimed IS NOT NULL
      ORDER BY w.name`.execute(db);
    console.log(`instance default: ${config.emailQuotaPerHour} emails per hour (EMAIL_QUOTA_PER_HOUR)`);
    for (const r of rows) {
      console.log(`${r.id}  ${r.name}: quota ${r.quota ?? 'default'}, sent this hour ${r.claimed ?? 0}`);
    }
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
