import { requireUser, isAdmin } from '@switchyard/kit';
import type { UsersContext } from '../context.js';
import { Alert } from './alert.entity.js';

export const alertReference = {
  Alert: {
    __resolveReference: async (ref: { id: string }, ctx: UsersContext) => {
      const viewer = requireUser(ctx);
      const alert = await ctx.em.findOne(Alert, { id: ref.id });
      return alert && (alert.user.id === viewer.id || isAdmin(viewer)) ? alert : null;
    },
  },
};
