import { isAdmin, requireUser } from '@switchyard/kit';
import type { UsersContext } from '../context.js';

export const alertReference = {
  Alert: {
    __resolveReference: async (ref: { id: string }, ctx: UsersContext) => {
      const viewer = requireUser(ctx);
      const alert = await ctx.loaders.alert.load(ref.id);
      return alert && (alert.user.id === viewer.id || isAdmin(viewer)) ? alert : null;
    },
  },
};
