import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { type Logger, MAX_PAGE, RateLimitedError } from '@switchyard/kit';
import type { NextFunction, Request, Response } from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isListType,
  Kind,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
  visit,
} from 'graphql';
import { type ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface Limits {
  MAX_DEPTH: number;
  MAX_ALIASES: number;
  MAX_COST: number;
  MAX_DIRECTIVES: number;
  MAX_TOKENS: number;
  MAX_BATCH: number;
  RATE_LIMIT: number;
  RATE_WINDOW_SEC: number;
}

/** Armor's rules throw unless told to report; reported, a refusal is a validation error. */
const report = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

/** Items assumed in a list nothing bounds (a device's links, say), and in a page without `first` or a default for it. */
const ASSUMED_ITEMS = 20;

/**
 * A page of `first` items costs `first` times its items (held to 1..MAX_PAGE, as the subgraphs
 * hold it; `first` left out is the schema's default, when it states one); any other list costs
 * ASSUMED_ITEMS times its items, except a connection's `nodes`, which its page already counted.
 */
const itemsCost: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  // Introspection (Sandbox's schema query) is bounded by the schema, and by graphql's own depth rule.
  if (type.name.startsWith('__') || field.name.startsWith('__')) return undefined;
  if (field.args.some((a) => a.name === 'first')) {
    const first = typeof args.first === 'number' ? Math.min(Math.max(args.first, 1), MAX_PAGE) : ASSUMED_ITEMS;
    return 1 + first * childComplexity;
  }
  if (isListType(getNullableType(field.type)) && !type.name.endsWith('Connection')) {
    return 1 + ASSUMED_ITEMS * childComplexity;
  }
  return undefined;
};

/**
 * What an operation's shape may be: nesting depth, aliases and directives (graphql-armor's
 * validation rules; introspection, as Sandbox sends it, is exempt from depth).
 */
export function operationLimits(limits: Limits): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.MAX_DEPTH, ignoreIntrospection: true, exposeLimits: true, ...report }),
    maxAliasesRule({ n: limits.MAX_ALIASES, exposeLimits: true, ...report }),
    maxDirectivesRule({ n: limits.MAX_DIRECTIVES, exposeLimits: true, ...report }),
  ] as ValidationRule[];
}

/** Arguments whose variables change an operation's cost: page sizes, and @include/@skip. */
const COST_ARGUMENTS = new Set(['first', 'if']);

/** Per document (parsed once and kept by Apollo's document store): the variables its cost reads, and costs seen. */
const costs = new WeakMap<DocumentNode, { variables: string[]; seen: Map<string, number> }>();
/** Costs kept per document, one per distinct operation name and page sizes; more start it afresh. */
const SEEN_PER_DOCUMENT = 100;

function costsOf(document: DocumentNode) {
  let entry = costs.get(document);
  if (!entry) {
    const variables = new Set<string>();
    visit(document, {
      Argument(node) {
        if (COST_ARGUMENTS.has(node.name.value) && node.value.kind === Kind.VARIABLE)
          variables.add(node.value.name.value);
      },
    });
    entry = { variables: [...variables], seen: new Map() };
    costs.set(document, entry);
  }
  return entry;
}

/**
 * Refuses an operation whose estimated cost, about the number of objects it can return
 * (graphql-query-complexity, pages counted by their `first`), is over MAX_COST. Needs the
 * operation's variables, so it runs once they are known, not as a validation rule. The estimate
 * is kept per document, operation name and the variables it reads, so a repeated operation costs
 * a lookup.
 */
export function checkCost(
  limits: Limits,
  op: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variables?: Record<string, unknown>;
  },
): void {
  const known = costsOf(op.document);
  const key = JSON.stringify([
    op.operationName ?? null,
    ...known.variables.map((name) => op.variables?.[name] ?? null),
  ]);
  let cost = known.seen.get(key);
  if (cost === undefined) {
    const estimated = estimateCost(op);
    if (estimated === undefined) return;
    cost = estimated;
    if (known.seen.size >= SEEN_PER_DOCUMENT) known.seen.clear();
    known.seen.set(key, cost);
  }
  if (cost > limits.MAX_COST) {
    throw new GraphQLError(`operation cost ${cost} is over the limit of ${limits.MAX_COST}: ask for smaller pages`, {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost, http: { status: 400 } },
    });
  }
}

/** The estimate itself; undefined when execution will refuse the operation anyway. */
function estimateCost(op: Parameters<typeof checkCost>[1]): number | undefined {
  const operation = getOperationAST(op.document, op.operationName);
  if (!operation) return undefined; // execution names the problem
  // Variables that do not fit are execution's to refuse, with the field named.
  if (getVariableValues(op.schema, operation.variableDefinitions ?? [], op.variables ?? {}).errors) return undefined;
  try {
    return getComplexity({
      schema: op.schema,
      query: op.document,
      operationName: op.operationName ?? undefined,
      variables: op.variables,
      estimators: [itemsCost, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // Too large to estimate (a fragment bomb passes the library's node limit): refused as too costly.
    throw new GraphQLError(`operation too large to estimate: ${(error as Error).message}`, {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
    });
  }
}

/** `checkCost` for Apollo Server, once the operation and its variables are resolved. */
export function costLimitPlugin(limits: Limits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          checkCost(limits, { schema, document, operationName: request.operationName, variables: request.variables });
        },
      };
    },
  };
}

/** Parser settings: a document of more than MAX_TOKENS tokens is refused while it is read. */
export function parseLimits(limits: Limits): { maxTokens: number } {
  return { maxTokens: limits.MAX_TOKENS };
}

/**
 * Requests per caller per window (rate-limiter-flexible): in this process, or across gateway
 * replicas in Redis when REDIS_URL is set (falling back to this process if Redis fails).
 */
export class RateLimit {
  private readonly limiter: RateLimiterMemory | RateLimiterRedis;
  private readonly redis?: Redis;

  private readonly refused: Counter;

  constructor(limits: Limits, redisUrl: string | undefined, logger: Logger, registry: Registry) {
    this.refused = new Counter({
      name: 'gateway_rate_limited_total',
      help: 'Operations refused because their caller spent the rate (RATE_LIMIT per RATE_WINDOW_SEC).',
      registers: [registry],
    });
    const options = { points: limits.RATE_LIMIT, duration: limits.RATE_WINDOW_SEC, keyPrefix: 'sy-rate' };
    if (redisUrl) {
      this.redis = new Redis(redisUrl, { enableOfflineQueue: false, lazyConnect: false });
      this.redis.on('error', (error) => logger.warn({ err: error }, 'rate limit store unavailable'));
      this.limiter = new RateLimiterRedis({
        ...options,
        storeClient: this.redis,
        insuranceLimiter: new RateLimiterMemory(options),
      });
    } else {
      this.limiter = new RateLimiterMemory(options);
    }
  }

  /** Spends `points` of the caller's allowance; the error says when to come back. */
  async spend(caller: string, points = 1): Promise<void> {
    try {
      await this.limiter.consume(caller, points);
    } catch (result) {
      if (!(result instanceof RateLimiterRes)) throw result;
      this.refused.inc(points);
      throw new RateLimitedError(Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
    }
  }

  close(): void {
    this.redis?.disconnect();
  }
}

/**
 * Express middleware before GraphQL: batches of at most MAX_BATCH operations (0 refuses
 * batches), and one rate-limit point per operation, with 429 and Retry-After when spent.
 */
export function limitRequests(limits: Limits, rate: RateLimit, callerOf: (req: Request) => Promise<string>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const batch = Array.isArray(req.body);
    const operations = batch ? (req.body as unknown[]).length : 1;
    const refuse = (message: string) =>
      res.status(400).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    if (batch && operations > limits.MAX_BATCH) {
      return refuse(
        limits.MAX_BATCH === 0 ? 'batched requests are off' : `at most ${limits.MAX_BATCH} operations per batch`,
      );
    }
    // One key cannot stand for several operations (nor one HTTP status answer for them all).
    if (batch && req.headers['idempotency-key'] !== undefined) {
      return refuse('Idempotency-Key applies to one operation: send keyed mutations one per request');
    }
    try {
      await rate.spend(await callerOf(req), operations);
      next();
    } catch (error) {
      if (!(error instanceof GraphQLError)) return next(error);
      res.setHeader('retry-after', String(error.extensions.retryAfterSec));
      res.status(429).json({ errors: [error.toJSON()] });
    }
  };
}
