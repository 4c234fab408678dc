import { buildFederatedSchema } from '@switchyard/kit';
import { alertReference } from './alert/alert.reference.js';
import { AlertResolver } from './alert/alert.resolver.js';
import { tickerReference } from './ticker/ticker.reference.js';
import { TickerResolver } from './ticker/ticker.resolver.js';
import { SigningKeyResolver } from './signing/signing-key.resolver.js';
import { ApiTokenResolver } from './token/api-token.resolver.js';
import { userReference } from './user/user.reference.js';
import { UserResolver } from './user/user.resolver.js';
import { WatchResolver } from './watch/watch.resolver.js';

export function buildUsersSchema() {
  return buildFederatedSchema({
    resolvers: [UserResolver, TickerResolver, WatchResolver, AlertResolver, ApiTokenResolver, SigningKeyResolver],
    references: { ...userReference, ...tickerReference, ...alertReference },
  });
}
