import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_links_and_delivery.js';
import * as m003 from './migrations/003_sign_in_links.js';
import * as m004 from './migrations/004_outbox_notify.js';
import * as m005 from './migrations/005_accounts_security.js';
import * as m006 from './migrations/006_quotas_and_paging.js';
import * as m007 from './migrations/007_needs_info.js';
import * as m008 from './migrations/008_ticket_approval_counts.js';
import * as m009 from './migrations/009_link_reasons.js';
import * as m010 from './migrations/010_template_switches.js';
import * as m011 from './migrations/011_email_channel.js';
import * as m012 from './migrations/012_finding_work.js';

/** Every migration by name, in order (exported for the migration tests). */
export const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_links_and_delivery': m002,
  '003_sign_in_links': m003,
  '004_outbox_notify': m004,
  '005_accounts_security': m005,
  '006_quotas_and_paging': m006,
  '007_needs_info': m007,
  '008_ticket_approval_counts': m008,
  '009_link_reasons': m009,
  '010_template_switches': m010,
  '011_email_channel': m011,
  '012_finding_work': m012,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** Applies every pending migration; concurrent starters are serialised by Kysely's migration lock. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
