import type { UsersContext } from '../context.js';

export const userReference = {
  User: {
    __resolveReference: (ref: { id: string }, ctx: UsersContext) => ctx.loaders.user.load(ref.id),
  },
};
