import { ForbiddenError, isAdmin, type Viewer } from '@switchyard/kit';

/**
 * Who may read sensor data: users (and admins), and machines whose token has a sensors scope;
 * a token for something else (benchmarks:write, say) may not.
 */
export const READERS = ['USER', 'scope:sensors:read', 'scope:sensors:write'];

/** READERS, for code outside a resolver's @Authorized (subscriptions' subscribe). */
export function requireReader(viewer: Viewer): void {
  const ok =
    viewer.kind === 'user' ||
    isAdmin(viewer) ||
    viewer.scopes.some((scope) => scope === 'sensors:read' || scope === 'sensors:write');
  if (!ok) throw new ForbiddenError(`requires ${READERS.join(' or ')}`);
}
