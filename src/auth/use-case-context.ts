import type { AppDeps } from '../shared/http/types.js';
import type { Principal } from './principal.js';

/** What a people or workspace use case runs with: the database and clock, and who is asking. */
export type UseCaseContext = Pick<AppDeps, 'db' | 'now'> & { principal: Principal };
