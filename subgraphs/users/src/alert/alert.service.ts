import type { FilterQuery } from '@mikro-orm/core';
import {
  eventStream,
  ForbiddenError,
  isAdmin,
  keysetAfter,
  type Page,
  pageSize,
  requireUser,
  toPage,
  type Viewer,
  type z,
} from '@switchyard/kit';
import type { UsersContext } from '../context.js';
import { alertRaised } from '../events.js';
import { Ticker } from '../ticker/ticker.entity.js';
import { User } from '../user/user.entity.js';
import { Alert } from './alert.entity.js';

export type AlertEvent = z.infer<typeof alertRaised.schema>;

/** Whose alerts a caller may see: their own; an admin everyone's (undefined), or one user's. */
function alertOwner(viewer: Viewer, userId: string | undefined): string | undefined {
  if (userId && userId !== viewer.id && !isAdmin(viewer)) {
    throw new ForbiddenError("not allowed to read another user's alerts");
  }
  return userId ?? (isAdmin(viewer) ? undefined : viewer.id);
}

/** Newest first: one's own alerts; an admin sees everyone's, or one user's with `userId`. */
export async function listAlerts(
  ctx: UsersContext,
  args: { userId?: string; first?: number; after?: string },
): Promise<Page<Alert>> {
  const userId = alertOwner(requireUser(ctx), args.userId);
  const size = pageSize(args.first);
  const where: FilterQuery<Alert> = {
    $and: [
      userId ? { user: userId } : {},
      keysetAfter<Alert>(
        args.after,
        [
          ['triggeredAt', 'date'],
          ['id', 'string'],
        ],
        'desc',
      ),
    ],
  };
  const rows = await ctx.em.find(Alert, where, { orderBy: { triggeredAt: 'desc', id: 'desc' }, limit: size + 1 });
  return toPage(rows, size, (a) => [a.triggeredAt.toISOString(), a.id]);
}

/** The keys an alert is found by: its owner, its owner and symbol, and its symbol for anyone's. */
const alertKeys = (alert: AlertEvent) => [alert.userId, `${alert.userId}/${alert.symbol}`, `*/${alert.symbol}`];

/**
 * Alerts as the collector raises them (topic `alerts`), for the caller as `listAlerts` scopes
 * them, optionally for one symbol. The gateway confirms the caller again on every change to
 * their session and every SUBSCRIPTION_RECHECK_SEC, and ends the subscription when it no longer
 * holds (expiry, password or role change, deletion).
 */
export async function alertFeed(
  ctx: UsersContext,
  args: { userId?: string | null; symbol?: string | null },
): Promise<AsyncIterableIterator<AlertEvent>> {
  const viewer = requireUser(ctx);
  const owner = alertOwner(viewer, args.userId ?? undefined);
  // Found by owner and symbol (`*` for an admin asking for everyone's); everyone's of every symbol: all.
  const only = owner ?? '*';
  const key = args.symbol ? `${only}/${args.symbol}` : only;
  return eventStream(ctx.events, alertRaised, {
    route: key === '*' ? undefined : { keysOf: alertKeys, keys: [key] },
    position: ctx.position,
    filter: async (alert) => {
      if ((owner && alert.userId !== owner) || (args.symbol && alert.symbol !== args.symbol)) return false;
      return alert.userId === viewer.id || isAdmin(viewer);
    },
  });
}

/** One event as an Alert, resolved like a request of its own (fresh entity manager and loaders). */
export function alertOfEvent(ctx: UsersContext, event: AlertEvent): Alert {
  ctx.fresh();
  return Object.assign(new Alert(), {
    id: event.id,
    user: ctx.em.getReference(User, event.userId),
    ticker: ctx.em.getReference(Ticker, event.symbol),
    kind: event.kind,
    price: event.price,
    threshold: event.threshold,
    triggeredAt: new Date(event.triggeredAt),
    emailedAt: null,
  });
}
