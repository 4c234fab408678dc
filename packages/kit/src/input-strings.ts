import type { ApolloServerPlugin } from '@apollo/server';
import {
  type ArgumentNode,
  type DocumentNode,
  getNamedType,
  type GraphQLField,
  type GraphQLSchema,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  TypeInfo,
  type ValueNode,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { BadUserInputError } from './errors.js';

/** The longest string an operation may carry in one argument, variable or JSON value, by default. */
export const MAX_STRING_LENGTH = 65_536;
/** How deeply lists and objects may nest in variables (JSON values included). */
export const MAX_INPUT_DEPTH = 64;

/**
 * Refuses a string PostgreSQL or a client could not take whole: a NUL character, a lone UTF-16
 * surrogate (not valid Unicode), or more than `maxLength` characters; and variables nested deeper
 * than MAX_INPUT_DEPTH (which would exhaust the stack of whatever walks them). Every string in the
 * document's arguments and in the variables is checked, object keys of JSON values included,
 * with a BAD_USER_INPUT (HTTP 400) naming where it was (`filter.text`, `$report.raw.name`).
 *
 * Given the schema, the rows of a batch field are left to the field: one that answers with
 * `rejected { index field reason }` (importSessions, ingestReadings) reports a bad string as a
 * rejected row and stores the rest, as its contract says; its other arguments are checked here.
 */
export function checkInputStrings(
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  maxLength = MAX_STRING_LENGTH,
  schema?: GraphQLSchema,
): void {
  const check = (text: string, field: string) => {
    const problem = text.includes('\0')
      ? 'must not contain a NUL character'
      : !text.isWellFormed()
        ? 'must be valid Unicode (it has a lone surrogate)'
        : text.length > maxLength
          ? `must be at most ${maxLength} characters`
          : undefined;
    if (problem) throw new BadUserInputError(field, problem, { http: { status: 400 } });
  };
  const literal = (value: ValueNode, field: string): void => {
    if (value.kind === Kind.STRING) check(value.value, field);
    else if (value.kind === Kind.LIST) value.values.forEach((item, i) => literal(item, `${field}.${i}`));
    else if (value.kind === Kind.OBJECT) {
      for (const entry of value.fields) {
        check(entry.name.value, field);
        literal(entry.value, `${field}.${entry.name.value}`);
      }
    }
  };
  const variable = (value: unknown, field: string, depth: number): void => {
    if (depth > MAX_INPUT_DEPTH)
      throw new BadUserInputError(field, `must not nest deeper than ${MAX_INPUT_DEPTH} levels`, {
        http: { status: 400 },
      });
    if (typeof value === 'string') check(value, field);
    else if (Array.isArray(value)) value.forEach((item, i) => variable(item, `${field}.${i}`, depth + 1));
    else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        check(key, field);
        variable(item, `${field}.${key}`, depth + 1);
      }
    }
  };
  const rowChecked = new Set<string>();
  const typeInfo = schema ? new TypeInfo(schema) : undefined;
  const onArgument = {
    Argument: (node: ArgumentNode) => {
      const field = typeInfo?.getFieldDef();
      if (field && reportsRejectedRows(field) && isListArgument(typeInfo!)) {
        if (node.value.kind === Kind.VARIABLE) rowChecked.add(node.value.name.value);
        return false;
      }
      literal(node.value, node.name.value);
      return undefined;
    },
  };
  visit(document, typeInfo ? visitWithTypeInfo(typeInfo, onArgument) : onArgument);
  for (const [name, value] of Object.entries(variables ?? {})) {
    if (!rowChecked.has(name)) variable(value, `$${name}`, 0);
  }
}

/** A batch field: its answer has `rejected`, a list of rows with an `index` and a `reason`. */
function reportsRejectedRows(field: GraphQLField<unknown, unknown>): boolean {
  const result = getNamedType(field.type);
  const rejected = isObjectType(result) ? result.getFields().rejected : undefined;
  const row = rejected ? getNamedType(rejected.type) : undefined;
  return isObjectType(row) && 'index' in row.getFields() && 'reason' in row.getFields();
}

/** Whether the argument being visited is a list (the rows). */
function isListArgument(typeInfo: TypeInfo): boolean {
  const type = typeInfo.getInputType();
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** `checkInputStrings` for Apollo Server, before anything runs. */
export function inputStringsPlugin(maxLength = MAX_STRING_LENGTH): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, schema }) {
          checkInputStrings(document, request.variables, maxLength, schema);
        },
      };
    },
  };
}
