import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import {
  type DocumentNode,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  type ParseOptions,
  SingleFieldSubscriptionsRule,
  validate,
} from 'graphql';

/**
 * The operation a request runs, or the caller's mistake in choosing it (graphql-js's own words,
 * OPERATION_RESOLUTION_FAILURE, 400). @apollo/gateway throws these as server errors (500).
 */
export function resolveOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode {
  const operation = getOperationAST(document, operationName);
  if (operation) return operation;
  const count = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  const message = operationName
    ? `Unknown operation named "${operationName}".`
    : count > 1
      ? 'Must provide operation name if query contains multiple operations.'
      : 'Must provide an operation.';
  throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
}

/**
 * `resolveOperation` for Apollo Server, before the gateway plans anything; a subscription over
 * HTTP is refused as the caller's mistake (@apollo/gateway would throw a server error).
 */
export const operationResolutionPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, request }) {
        const operation = resolveOperation(document, request.operationName);
        if (operation.operation === 'subscription') {
          throw new GraphQLError('subscriptions are served over WebSocket (graphql-ws) at this URL, not over HTTP', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      },
    };
  },
};

/** Validation messages without "Did you mean ...?", as Apollo Server's production answers over HTTP. */
export function withoutSuggestions(errors: readonly GraphQLError[]): readonly GraphQLError[] {
  for (const error of errors) error.message = error.message.replace(/ ?Did you mean(.+?)\?$/, '');
  return errors;
}

/**
 * graphql-js's SingleFieldSubscriptionsRule throws, instead of reporting, on a subscription whose
 * root selection has a directive argument of the wrong type (`@skip(if: "yes")`), and Apollo
 * Server answers a throwing rule with a 500. Documents that mention `subscription` are run through
 * that rule first here, so the caller gets the 400 validation error the mistake deserves.
 */
export function subscriptionRuleGuard(
  schema: () => GraphQLSchema | undefined,
  parseOptions: ParseOptions,
): RequestHandler {
  return (req, res, next) => {
    const bodies: unknown[] = Array.isArray(req.body) ? req.body : [req.body ?? req.query];
    const api = schema();
    for (const body of bodies) {
      const query = (body as { query?: unknown } | null)?.query;
      if (!api || typeof query !== 'string' || !query.includes('subscription')) continue;
      let document: DocumentNode;
      try {
        document = parse(query, parseOptions);
      } catch {
        continue; // Apollo Server reports the syntax error
      }
      try {
        validate(api, document, [SingleFieldSubscriptionsRule]);
      } catch (error) {
        res.status(400).json({
          errors: [{ message: (error as Error).message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
        });
        return;
      }
    }
    next();
  };
}
