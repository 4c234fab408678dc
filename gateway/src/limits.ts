import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { Logger } from '@switchyard/kit';
import type { NextFunction, Request, Response } from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
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

/** A page of `first` items costs `first` times its items (20, the subgraphs' default, without it). */
const pageCost: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((a) => a.name === 'first')) return undefined;
  return 1 + (typeof args.first === 'number' ? args.first : 20) * childComplexity;
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

/**
 * Refuses an operation whose estimated cost, about the number of objects it can return
 * (graphql-query-complexity, pages counted by their `first`), is over MAX_COST. Needs the
 * operation's variables, so it runs once they are known, not as a validation rule.
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
  let cost: number;
  try {
    cost = getComplexity({
      schema: op.schema,
      query: op.document,
      operationName: op.operationName ?? undefined,
      variables: op.variables,
      estimators: [pageCost, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    return; // variables that do not fit: execution refuses them, with the field named
  }
  if (cost > limits.MAX_COST) {
    throw new GraphQLError(`operation cost ${cost} is over the limit of ${limits.MAX_COST}: ask for smaller pages`, {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost, http: { status: 400 } },
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
      const retryAfterSec = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
      throw new GraphQLError(`rate limit reached: try again in ${retryAfterSec} s`, {
        extensions: { code: 'RATE_LIMITED', retryAfterSec },
      });
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
export function limitRequests(limits: Limits, rate: RateLimit, callerOf: (req: Request) => string) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const operations = Array.isArray(req.body) ? req.body.length : 1;
    if (Array.isArray(req.body) && operations > limits.MAX_BATCH) {
      const message =
        limits.MAX_BATCH === 0 ? 'batched requests are off' : `at most ${limits.MAX_BATCH} operations per batch`;
      res.status(400).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    try {
      await rate.spend(callerOf(req), operations);
      next();
    } catch (error) {
      if (!(error instanceof GraphQLError)) return next(error);
      res.setHeader('retry-after', String(error.extensions.retryAfterSec));
      res.status(429).json({ errors: [error.toJSON()] });
    }
  };
}
