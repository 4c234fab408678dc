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
 * Given the schema, the content of a batch field's rows is left to the field: one that answers
 * with `rejected { index field reason }` (importSessions, ingestReadings) promises to report a bad
 * row by its index and store the rest, so a NUL or a lone surrogate there is its to refuse; sizes
 * and depth are still checked here, and its other arguments fully.
 */
export function checkInputStrings(
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  maxLength = MAX_STRING_LENGTH,
  schema?: GraphQLSchema,
): void {
  /** `rows`: inside a batch field's rows, whose content the field reports row by row; only sizes here. */
  const check = (text: string, field: string | (() => string), rows: boolean) => {
    const problem =
      !rows && text.includes('\0')
        ? 'must not contain a NUL character'
        : !rows && !text.isWellFormed()
          ? 'must be valid Unicode (it has a lone surrogate)'
          : text.length > maxLength
            ? `must be at most ${maxLength} characters`
            : undefined;
    if (problem)
      throw new BadUserInputError(typeof field === 'string' ? field : field(), problem, { http: { status: 400 } });
  };
  const literal = (value: ValueNode, field: string, rows: boolean): void => {
    if (value.kind === Kind.STRING) check(value.value, field, rows);
    else if (value.kind === Kind.LIST) value.values.forEach((item, i) => literal(item, `${field}.${i}`, rows));
    else if (value.kind === Kind.OBJECT) {
      for (const entry of value.fields) {
        check(entry.name.value, field, rows);
        literal(entry.value, `${field}.${entry.name.value}`, rows);
      }
    }
  };
  // Variables can hold a batch of ten thousand rows: where a value is, is kept as a stack of keys
  // and spelt out only for an error.
  const path: Array<string | number> = [];
  const where = () => path.join('.');
  const variable = (value: unknown, rows: boolean): void => {
    if (path.length > MAX_INPUT_DEPTH + 1)
      throw new BadUserInputError(where(), `must not nest deeper than ${MAX_INPUT_DEPTH} levels`, {
        http: { status: 400 },
      });
    if (typeof value === 'string') check(value, where, rows);
    else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        variable(value[i], rows);
        path.pop();
      }
    } else if (value !== null && typeof value === 'object') {
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        check(key, where, rows);
        path.push(key);
        variable((value as Record<string, unknown>)[key], rows);
        path.pop();
      }
    }
  };
  const rowVariables = new Set<string>();
  const typeInfo = schema ? new TypeInfo(schema) : undefined;
  const onArgument = {
    Argument: (node: ArgumentNode) => {
      const field = typeInfo?.getFieldDef();
      const rows = field !== undefined && field !== null && reportsRejectedRows(field) && isListArgument(typeInfo!);
      if (rows && node.value.kind === Kind.VARIABLE) rowVariables.add(node.value.name.value);
      literal(node.value, node.name.value, rows);
      return false;
    },
  };
  visit(document, typeInfo ? visitWithTypeInfo(typeInfo, onArgument) : onArgument);
  for (const [name, value] of Object.entries(variables ?? {})) {
    path.push(`$${name}`);
    variable(value, rowVariables.has(name));
    path.pop();
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
