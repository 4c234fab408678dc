import { buildFederatedSchema } from '@switchyard/kit';
import { sessionReference } from './session/session.reference.js';
import { SessionResolver } from './session/session.resolver.js';
import { UserSessionsResolver } from './user/user.resolver.js';

export function buildSessionsSchema() {
  return buildFederatedSchema({
    resolvers: [SessionResolver, UserSessionsResolver],
    references: { ...sessionReference },
  });
}
