import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { type ApolloServerPlugin, type GraphQLResponse, HeaderMap } from '@apollo/server';
import { type Orm, statement } from '@switchyard/kit';
import { GraphQLError, type FormattedExecutionResult } from 'graphql';
import stringify from 'safe-stable-stringify';
import type { GatewayContext } from './context.js';

export interface IdempotencySettings {
  /** How long a key and its response are kept. */
  IDEMPOTENCY_TTL_HOURS: number;
  /** How long a duplicate waits for the first request with its key to finish. */
  IDEMPOTENCY_WAIT_SEC: number;
}

/** What a retry gets back: the first answer's HTTP status and body. */
interface Stored {
  status: number;
  body: FormattedExecutionResult;
}

interface Row {
  request_hash: string;
  status: 'RUNNING' | 'DONE';
  response: Sealed | null;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Responses are kept sealed (AES-256-GCM, a key derived from the server secret): they may hold
 * tokens (`login`, `createApiToken`) that must not sit readable in a table.
 */
interface Sealed {
  iv: string;
  tag: string;
  data: string;
}
function sealer(secret: string) {
  const key = Buffer.from(hkdfSync('sha256', secret, 'switchyard', 'idempotency responses', 32));
  return {
    seal(value: Stored): Sealed {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    },
    open(sealed: Sealed): Stored {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      const text = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
      return JSON.parse(text.toString('utf8')) as Stored;
    },
  };
}

type KeyOf = { caller: string; key: string };
const claimKey = statement<KeyOf & { hash: string; ttlHours: number }>(
  `/* claimIdempotencyKey */ insert into gateway.idempotency_keys as k (caller, key, request_hash, expires_at)
   values (:caller, :key, :hash, now() + (:ttlHours * interval '1 hour'))
   on conflict (caller, key) do update set request_hash = excluded.request_hash, status = 'RUNNING',
     response = null, created_at = now(), expires_at = excluded.expires_at
   where k.expires_at < now()
   returning 1`,
);
const readKey = statement<KeyOf, Row>(
  `/* readIdempotencyKey */ select request_hash, status, response from gateway.idempotency_keys
   where caller = :caller and key = :key`,
);
const freeKey = statement<KeyOf>(
  '/* freeIdempotencyKey */ delete from gateway.idempotency_keys where caller = :caller and key = :key',
);
const storeResponse = statement<KeyOf & { response: string }>(
  `/* storeIdempotentResponse */ update gateway.idempotency_keys set status = 'DONE', response = :response
   where caller = :caller and key = :key`,
);

/**
 * At-most-once mutations: a mutation sent with an `Idempotency-Key` header runs once per (caller,
 * key). The first request claims the key with an insert; a retry gets the stored response (its
 * status, and `Idempotent-Replayed: true`), a concurrent duplicate waits for it, and the key used
 * with another request is refused (422). In PostgreSQL, so it holds across restarts and gateway
 * replicas. The key is freed again only when no mutation reached a subgraph (every attempt was
 * refused at connect), so a retry can run it; a request that never finished (its gateway died)
 * leaves the outcome unknown, and duplicates are refused (409) rather than run a second time.
 * Requests are compared by an HMAC of the operation's hash, name and variables (never stored in
 * the clear: variables hold passwords).
 */
export function idempotencyPlugin(
  orm: Orm,
  settings: IdempotencySettings,
  secret: string,
): ApolloServerPlugin<GatewayContext> {
  const { seal, open } = sealer(secret);

  return {
    async requestDidStart({ request }) {
      const key = request.http?.headers.get('idempotency-key');
      if (key === undefined) return;
      let claimed = false;

      /** Runs the mutation (null) if this request claims the key, else answers as its first request did. */
      const respond = async (caller: string, hash: string): Promise<GraphQLResponse | null> => {
        const inserted = await claimKey(orm.em.fork(), {
          caller,
          key,
          hash,
          ttlHours: settings.IDEMPOTENCY_TTL_HOURS,
        });
        if (inserted.length) {
          claimed = true;
          return null;
        }
        const deadline = Date.now() + settings.IDEMPOTENCY_WAIT_SEC * 1000;
        for (;;) {
          const [row] = await readKey(orm.em.fork(), { caller, key });
          // Freed meanwhile (the first attempt never reached a subgraph): this one may run it.
          if (!row) return respond(caller, hash);
          if (row.request_hash !== hash) {
            return answer({
              status: 422,
              body: refusal('CONFLICT', 'this Idempotency-Key was used with another request'),
            });
          }
          if (row.status === 'DONE') return answer(open(row.response!), true);
          if (Date.now() > deadline) {
            const message = 'a request with this Idempotency-Key has not finished; its outcome is unknown';
            return answer({ status: 409, body: refusal('CONFLICT', message) });
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
        async responseForOperation({ operation, queryHash, request, contextValue }) {
          if (operation.operation !== 'mutation') return null;
          // queryHash, not the text: a persisted query's retry may send only the hash.
          const hash = createHmac('sha256', secret)
            .update(stringify([queryHash, request.operationName ?? null, request.variables ?? {}]))
            .digest('hex');
          return respond(contextValue.caller, hash);
        },
        async willSendResponse({ response, contextValue }) {
          if (!claimed || response.body.kind !== 'single') return;
          const { sent, refused } = contextValue.mutations;
          const where = { caller: contextValue.caller, key };
          const stored = { status: response.http.status ?? 200, body: response.body.singleResult };
          const write = () =>
            sent > 0 && sent === refused
              ? freeKey(orm.em.fork(), where)
              : storeResponse(orm.em.fork(), { ...where, response: JSON.stringify(seal(stored)) });
          // The mutation has run: its caller gets the answer even if the key cannot be settled
          // (then duplicates get 409, never a second run).
          for (let attempt = 1; ; attempt++) {
            try {
              await write();
              return;
            } catch (error) {
              if (attempt === 3) {
                contextValue.log.error({ err: error, key }, 'could not settle an idempotency key');
                return;
              }
              await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
            }
          }
        },
      };
    },
  };
}

function answer(stored: Stored, replayed = false): GraphQLResponse {
  const headers = new HeaderMap();
  if (replayed) headers.set('idempotent-replayed', 'true');
  return { http: { status: stored.status, headers }, body: { kind: 'single', singleResult: stored.body } };
}

const refusal = (code: string, message: string): FormattedExecutionResult => ({
  errors: [{ message, extensions: { code } }],
});
