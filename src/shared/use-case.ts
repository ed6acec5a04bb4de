import type { Principal } from '../auth/principal.js';
import type { AppDeps } from './http/types.js';

/** What a people or workspace use case runs with: the database and clock, and who is asking. */
export type UseCaseContext = Pick<AppDeps, 'db' | 'now'> & { principal: Principal };
