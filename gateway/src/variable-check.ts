import type { ApolloGateway } from '@apollo/gateway';
import {
  type GraphQLInputType,
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLScalarType,
  type GraphQLSchema,
  GraphQLString,
  type GraphQLInputField,
  type GraphQLInputObjectType,
  isInputObjectType,
  isInputType,
  isListType,
  isNonNullType,
  isScalarType,
  type OperationDefinitionNode,
  typeFromAST,
  type VariableDefinitionNode,
} from 'graphql';
import { gatewayTracing } from './apollo-internals.js';

type Check = (value: unknown) => boolean;

const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);
/** What graphql-js's own scalars accept as variable values (their parseValue), nothing more. */
const BUILT_IN = new Map<GraphQLScalarType, Check>([
  [GraphQLString, (v) => typeof v === 'string'],
  [GraphQLBoolean, (v) => typeof v === 'boolean'],
  [GraphQLFloat, (v) => typeof v === 'number' && Number.isFinite(v)],
  [GraphQLInt, (v) => typeof v === 'number' && Number.isInteger(v) && v <= INT_MAX && v >= INT_MIN],
  [GraphQLID, (v) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))],
]);
/** graphql-js's parseValue for a scalar built from SDL alone: the value as given. */
const AS_GIVEN = new GraphQLScalarType({ name: 'AsGiven' }).parseValue;
const ANY_VALUE: Check = (v) => v !== undefined;

/** How to check one value of a scalar type here, or undefined to leave it to graphql-js. */
function scalarCheck(type: GraphQLInputType): Check | undefined {
  if (!isScalarType(type)) return undefined;
  const builtIn = BUILT_IN.get(type);
  if (builtIn) return builtIn;
  // A custom scalar in the gateway's schema takes any value (its subgraph reads it); one that
  // parses for itself is graphql-js's to judge.
  return type.parseValue === AS_GIVEN ? ANY_VALUE : undefined;
}

const fieldLists = new WeakMap<GraphQLInputObjectType, GraphQLInputField[]>();

/** Whether `value` certainly fits an input object type; false when in doubt (and for @oneOf). */
function fitsObject(value: unknown, type: GraphQLInputObjectType): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || type.isOneOf) return false;
  const fields = type.getFields();
  for (const key of Object.keys(value)) if (!Object.hasOwn(fields, key)) return false;
  let list = fieldLists.get(type);
  if (!list) fieldLists.set(type, (list = Object.values(fields)));
  for (const field of list) {
    const v = (value as Record<string, unknown>)[field.name];
    if (v === undefined ? field.defaultValue === undefined && isNonNullType(field.type) : !fits(v, field.type)) {
      return false;
    }
  }
  return true;
}

/** Whether `value` certainly fits `type` (scalars, input objects, lists of them); false when in doubt. */
function fits(value: unknown, type: GraphQLInputType): boolean {
  if (isNonNullType(type)) return value !== null && fits(value, type.ofType);
  if (value === null) return true;
  if (isInputObjectType(type)) return fitsObject(value, type);
  if (!isListType(type)) return scalarCheck(type)?.(value) ?? false;
  // A single value for a list is graphql-js's to wrap.
  if (!Array.isArray(value)) return false;
  const item = type.ofType as GraphQLInputType;
  const nonNull = isNonNullType(item);
  const check = scalarCheck(nonNull ? item.ofType : item);
  // for...of, not every(): a hole in an array is undefined to graphql-js, never skipped.
  if (!check) {
    for (const v of value) if (!fits(v, item)) return false;
    return true;
  }
  for (const v of value) {
    if (v === null ? nonNull : !check(v)) return false;
  }
  return true;
}

/**
 * Whether graphql-js's `getVariableValues` would certainly find no error in `inputs`: every
 * variable made of scalars whose rules are known here (graphql-js's own, and custom scalars that
 * take any value), input objects (not @oneOf) and lists of them, given or left out as it may be.
 * Enums, scalars that parse for themselves and a single value for a list are left to graphql-js:
 * false says only "ask graphql-js".
 */
export function certainlyValid(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  inputs: Record<string, unknown>,
): boolean {
  for (const definition of definitions) {
    const type = typeFromAST(schema, definition.type);
    if (!type || !isInputType(type)) return false;
    const name = definition.variable.name.value;
    if (!Object.hasOwn(inputs, name)) {
      if (definition.defaultValue || !isNonNullType(type)) continue;
      return false;
    }
    const value = inputs[name];
    if (value === undefined || !fits(value, type)) return false;
  }
  return true;
}

interface VariableValidation {
  validateIncomingRequest(
    requestContext: { request: { variables?: Record<string, unknown> } },
    operationContext: { schema: GraphQLSchema; operation: OperationDefinitionNode },
  ): unknown[];
}

/**
 * @apollo/gateway checks every variable of an operation with graphql-js's `getVariableValues`
 * (to answer a wrong one before planning), keeps only the errors and forwards the values as they
 * came, which the subgraph then coerces. For a batch of 10,000 readings as three lists that check
 * was about half the gateway's CPU. Here variables that certainlyValid can judge are checked in a
 * loop, under the gateway's own `gateway.validate` span; any other variable, any value in doubt,
 * and anything the loop throws on go through graphql-js as before, so what is refused, and how,
 * is unchanged. (A private method of ApolloGateway, replaced on the instance: Apollo offers no
 * hook. A version without it fails here, at start, not silently.)
 */
export function checkVariablesQuickly(gateway: ApolloGateway): void {
  const target = gateway as unknown as VariableValidation;
  if (typeof target.validateIncomingRequest !== 'function') {
    throw new Error('@apollo/gateway has no validateIncomingRequest: gateway/src/variable-check.ts needs updating');
  }
  const full = target.validateIncomingRequest.bind(gateway);
  const { tracer, OpenTelemetrySpanNames } = gatewayTracing();
  target.validateIncomingRequest = (requestContext, operationContext) => {
    let quick = false;
    try {
      quick = certainlyValid(
        operationContext.schema,
        operationContext.operation.variableDefinitions ?? [],
        requestContext.request.variables ?? {},
      );
    } catch {
      // Too deep to walk here, or a value that throws when read: graphql-js answers.
    }
    if (!quick) return full(requestContext, operationContext);
    return tracer.startActiveSpan(OpenTelemetrySpanNames.VALIDATE, (span) => {
      span.end();
      return [];
    });
  };
}
