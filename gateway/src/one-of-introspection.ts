import type { Schema } from '@apollo/federation-internals';
import { apolloInternal } from './apollo-internals.js';

/**
 * `__Type.isOneOf` for the query planner. Apollo Server validates an operation with graphql-js
 * (16.9 and later know `isOneOf`, which `getIntrospectionQuery({ oneOf: true })` asks for), but
 * the gateway then builds its operation on @apollo/federation-internals' own model of the API
 * schema, whose introspection types (added by its `addIntrospectionFields`, 2.14.4 and before)
 * stop at `specifiedByURL`: "Cannot query field isOneOf", thrown while planning, a 500. The
 * introspection itself is answered by graphql-js on the API schema, so the planner only has to
 * know the field exists: it is added wherever that function adds the others (it runs with
 * built-in changes allowed, and every Schema calls it through the module's exports).
 */
export function plannerKnowsIsOneOf(): void {
  const introspection = apolloInternal<{
    addIntrospectionFields: (schema: Schema) => void;
    withIsOneOf?: true;
  }>('@apollo/federation-internals/dist/introspection');
  if (introspection.withIsOneOf) return;
  const addOthers = introspection.addIntrospectionFields;
  introspection.addIntrospectionFields = (schema) => {
    addOthers(schema);
    const type = schema.type('__Type');
    // graphql-js's own: a nullable Boolean (null for all but input objects).
    if (type?.kind === 'ObjectType' && !type.field('isOneOf')) type.addField('isOneOf', schema.booleanType());
  };
  introspection.withIsOneOf = true;
}
