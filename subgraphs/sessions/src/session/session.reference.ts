import type { SessionsContext } from '../context.js';
import { visibleSession } from './session.service.js';

export const sessionReference = {
  Session: {
    __resolveReference: (ref: { id: string }, ctx: SessionsContext) => visibleSession(ctx, ref.id),
  },
};
