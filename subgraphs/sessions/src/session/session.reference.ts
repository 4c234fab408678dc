import { isAdmin, requireUser } from '@switchyard/kit';
import type { SessionsContext } from '../context.js';

export const sessionReference = {
  Session: {
    __resolveReference: async (ref: { id: string }, ctx: SessionsContext) => {
      const viewer = requireUser(ctx);
      const session = await ctx.loaders.session.load(ref.id);
      return session && (session.userId === viewer.id || isAdmin(viewer)) ? session : null;
    },
  },
};
