import type { FilterQuery } from '@mikro-orm/core';
import { ForbiddenError, isAdmin, keysetAfter, type Page, pageSize, requireUser, toPage } from '@switchyard/kit';
import type { UsersContext } from '../context.js';
import { Alert } from './alert.entity.js';

/** Newest first: one's own alerts; an admin sees everyone's, or one user's with `userId`. */
export async function listAlerts(
  ctx: UsersContext,
  args: { userId?: string; first?: number; after?: string },
): Promise<Page<Alert>> {
  const viewer = requireUser(ctx);
  if (args.userId && args.userId !== viewer.id && !isAdmin(viewer)) {
    throw new ForbiddenError("not allowed to read another user's alerts");
  }
  const userId = args.userId ?? (isAdmin(viewer) ? undefined : viewer.id);
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
