import { createHash } from 'node:crypto';
import { type ApolloServerPlugin, type GraphQLResponse, HeaderMap } from '@apollo/server';
import { type Orm, sqlRows } from '@switchyard/kit';
import { type FormattedExecutionResult, GraphQLError } from 'graphql';
import type { GatewayContext } from './context.js';

export interface IdempotencySettings {
  /** How long a key and its response are kept. */
  IDEMPOTENCY_TTL_HOURS: number;
  /** How long a duplicate waits for the first request with its key to finish. */
  IDEMPOTENCY_WAIT_SEC: number;
}

interface Row {
  request_hash: string;
  status: 'RUNNING' | 'DONE';
  response: FormattedExecutionResult | null;
}

const KEY = /^[\x21-\x7e]{1,255}$/;
/** Codes of a failure that may pass: the mutation did not run, so the key is freed for a retry. */
const TRANSIENT = new Set(['INTERNAL_SERVER_ERROR', 'UNAVAILABLE', 'RATE_LIMITED']);

/**
 * At-most-once mutations: a mutation sent with an `Idempotency-Key` header runs once per (caller,
 * key). The first request claims the key with an insert; a retry gets the stored response (with
 * `Idempotent-Replayed: true`), a concurrent duplicate waits for it, and the key used with another
 * request is refused (422). In PostgreSQL, so it holds across restarts and gateway replicas.
 * A response that only says something transient went wrong (no data, server-side codes) frees the
 * key instead. A request that never finished (its gateway died) leaves the key RUNNING: its
 * outcome is unknown, so duplicates are refused (409) rather than run a second time.
 */
export function idempotencyPlugin(orm: Orm, settings: IdempotencySettings): ApolloServerPlugin<GatewayContext> {
  const sql = <T>(query: string, params: unknown[]) => sqlRows<T>(orm.em.fork(), query, params);

  return {
    async requestDidStart({ request }) {
      const key = request.http?.headers.get('idempotency-key');
      if (key === undefined) return;
      let claimed = false;
      const hash = createHash('sha256')
        .update(JSON.stringify([request.query, request.operationName ?? null, request.variables ?? {}]))
        .digest('hex');

      /** Runs the mutation (null) if this request claims the key, else answers as its first request did. */
      const respond = async (caller: string): Promise<GraphQLResponse | null> => {
        const inserted = await sql(
          `/* claimIdempotencyKey */ insert into gateway.idempotency_keys (caller, key, request_hash, expires_at)
           values (?, ?, ?, now() + (? * interval '1 hour')) on conflict (caller, key) do nothing returning 1`,
          [caller, key, hash, settings.IDEMPOTENCY_TTL_HOURS],
        );
        if (inserted.length) {
          claimed = true;
          return null;
        }
        const deadline = Date.now() + settings.IDEMPOTENCY_WAIT_SEC * 1000;
        for (;;) {
          const [row] = await sql<Row>(
            `/* readIdempotencyKey */ select request_hash, status, response from gateway.idempotency_keys
             where caller = ? and key = ?`,
            [caller, key],
          );
          // Freed meanwhile (the first attempt failed transiently): this one may run it.
          if (!row) return respond(caller);
          if (row.request_hash !== hash) {
            return refusal(422, 'CONFLICT', 'this Idempotency-Key was used with another request');
          }
          if (row.status === 'DONE') return answer(200, row.response!, true);
          if (Date.now() > deadline) {
            return refusal(
              409,
              'CONFLICT',
              'a request with this Idempotency-Key has not finished; its outcome is unknown',
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };

      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'mutation' && !KEY.test(key)) {
            throw new GraphQLError('Idempotency-Key must be 1 to 255 visible ASCII characters', {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
        },
        async responseForOperation({ operation, contextValue }) {
          return operation.operation === 'mutation' ? respond(contextValue.caller) : null;
        },
        async willSendResponse({ response, contextValue }) {
          if (!claimed || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const transient =
            !result.data && (result.errors ?? []).some((e) => TRANSIENT.has(String(e.extensions?.code)));
          const where = [contextValue.caller, key];
          await (transient
            ? sql(`/* freeIdempotencyKey */ delete from gateway.idempotency_keys where caller = ? and key = ?`, where)
            : sql(
                `/* storeIdempotentResponse */ update gateway.idempotency_keys set status = 'DONE', response = ?
                 where caller = ? and key = ?`,
                [JSON.stringify({ data: result.data, errors: result.errors }), ...where],
              ));
        },
      };
    },
  };
}

function answer(status: number, body: FormattedExecutionResult, replayed = false): GraphQLResponse {
  const headers = new HeaderMap();
  if (replayed) headers.set('idempotent-replayed', 'true');
  return { http: { status, headers }, body: { kind: 'single', singleResult: body } };
}

const refusal = (status: number, code: string, message: string) =>
  answer(status, { errors: [{ message, extensions: { code } }] });
