// The identity side of a subgraph: only requests through the gateway, and the changes to a
// caller's session a request makes, announced to everyone and named in its answer for the gateway.
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { type AssertionVerifier, IDENTITY_CHANGED, NotThroughGateway, STALE_ASSERTION } from './assertion.js';
import type { AuthContext } from './auth.js';
import type { EventBus } from './events.js';
import { apiTokenRevoked, sessionChanged } from './identity-events.js';
import type { Logger } from './logger.js';
import { refuse } from './routes.js';

const IDENTITY_CHANGES = Symbol('identity changes');

/** A request context that carries the identities the request changed (for identityChangesPlugin). */
export function withIdentityChanges<C extends object>(context: C, changed: string[]): C {
  return Object.assign(context, { [IDENTITY_CHANGES]: changed });
}

/**
 * `ctx.identityChanged`: stops trusting older assertions here at once, announces the change to
 * every confirmer and subgraph, and records it for the answer.
 */
export function announceIdentityChange(verifier: AssertionVerifier, events: EventBus, log: Logger, changed: string[]) {
  return async (change: { userId: string } | { tokenId: string }): Promise<void> => {
    const id = 'userId' in change ? change.userId : change.tokenId;
    const at = Date.now();
    verifier.invalidate(id, at);
    changed.push(id);
    await (
      'userId' in change
        ? events.publish(sessionChanged, { userId: id, at })
        : events.publish(apiTokenRevoked, { tokenId: id, at })
    ).catch((error: unknown) => log.error({ err: error, id }, 'identity change not announced'));
  };
}

/** Puts the identities a request changed into its response, for the gateway that carries it. */
export const identityChangesPlugin: ApolloServerPlugin<object> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response }) {
        const changed = (contextValue as unknown as Record<symbol, string[] | undefined>)[IDENTITY_CHANGES];
        if (!changed?.length || response.body.kind !== 'single') return;
        response.body.singleResult.extensions = {
          ...response.body.singleResult.extensions,
          [IDENTITY_CHANGED]: changed,
        };
      },
    };
  },
};

/** Refuses (401) a request without a valid viewer assertion: it did not come through the gateway. */
export function throughGateway(callerOf: (headers: IncomingHttpHeaders) => Promise<AuthContext>) {
  return (req: Request, res: Response, next: NextFunction) => {
    // Not served on this port (production): not found, whoever asks.
    if (req.path === '/metrics') return next();
    callerOf(req.headers).then(
      () => next(),
      (error: unknown) => {
        if (!(error instanceof NotThroughGateway)) return next(error);
        if (req.path === '/graphql' || req.path.startsWith('/graphql/')) {
          const extensions = { code: 'UNAUTHENTICATED', ...(error.stale && { reason: STALE_ASSERTION }) };
          res.status(401).json({ errors: [{ message: error.message, extensions }] });
        } else refuse(res, 401, error.message, 'UNAUTHENTICATED');
      },
    );
  };
}
