import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, getOperationAST, GraphQLError, Kind, type OperationDefinitionNode } from 'graphql';

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

/** `resolveOperation` for Apollo Server, before the gateway plans anything. */
export const operationResolutionPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, request }) {
        resolveOperation(document, request.operationName);
      },
    };
  },
};

/** Validation messages without "Did you mean ...?", as Apollo Server's production answers over HTTP. */
export function withoutSuggestions(errors: readonly GraphQLError[]): readonly GraphQLError[] {
  for (const error of errors) error.message = error.message.replace(/ ?Did you mean(.+?)\?$/, '');
  return errors;
}
