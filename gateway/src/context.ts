import type { IncomingHttpHeaders } from 'node:http';
import type { AuthContext, CallerVerifier, RequestContext, RequestInfo } from '@switchyard/kit';

export interface GatewayContext extends RequestContext {
  /** The caller, confirmed once for this request (subgraphs get it as a signed assertion). */
  auth: AuthContext;
  /** Where the caller reached us, so subgraphs can build public URLs. */
  forwardedHost?: string;
  forwardedProto: string;
  /** Who is calling, for limits: `user:<id>`, `token:<id>` (confirmed) or `ip:<address>`. */
  caller: string;
  /** The caller's Authorization header, for confirming a long subscription's caller again. */
  authorization?: string;
  /** Mutation requests sent to subgraphs, and those refused at connect (so never run). */
  mutations: { sent: number; refused: number };
  /** Confirms the caller again, past the cache (a subgraph said their session changed). */
  reconfirm(): Promise<AuthContext>;
}

const first = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
/** The address our proxy appended: the ones before it are whatever the caller sent. */
const last = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value.at(-1) : value)?.split(',').at(-1)?.trim();

/**
 * Confirms a request's caller once (rate limits run before GraphQL, the context after: both ask
 * for the same headers object) and keys them for limits and idempotency; a forwarded address
 * counts only behind a trusted proxy (one hop: the address it appended).
 */
export function callers(verifier: CallerVerifier, trustProxy: boolean) {
  const confirmed = new WeakMap<IncomingHttpHeaders, Promise<AuthContext>>();
  const confirm = (headers: IncomingHttpHeaders) => {
    let auth = confirmed.get(headers);
    if (!auth) {
      auth = verifier.verify(headers.authorization);
      confirmed.set(headers, auth);
    }
    return auth;
  };
  const key = async (headers: IncomingHttpHeaders, remoteAddress: string | undefined): Promise<string> => {
    const { viewer } = await confirm(headers);
    if (viewer) return `${viewer.kind}:${viewer.id}`;
    return `ip:${(trustProxy && last(headers['x-forwarded-for'])) || remoteAddress || 'unknown'}`;
  };
  /** Forgets the caller's confirmation, then asks the issuer again. */
  const reconfirm = async (context: GatewayContext) => {
    if (context.auth.viewer) verifier.forget(context.auth.viewer.id);
    context.auth = await verifier.verify(context.authorization);
    return context.auth;
  };
  return { confirm, key, reconfirm };
}
export type Callers = ReturnType<typeof callers>;

/** Forwarded headers from the caller count only behind a trusted proxy (TRUST_PROXY). */
export function gatewayContext(trustProxy: boolean, callersOf: Callers) {
  return async ({ headers, remoteAddress, requestId, log }: RequestInfo): Promise<GatewayContext> => {
    const context: GatewayContext = {
      requestId,
      log,
      auth: await callersOf.confirm(headers),
      authorization: headers.authorization,
      forwardedHost: (trustProxy && first(headers['x-forwarded-host'])) || headers.host,
      forwardedProto: (trustProxy && first(headers['x-forwarded-proto'])) || 'http',
      caller: await callersOf.key(headers, remoteAddress),
      mutations: { sent: 0, refused: 0 },
      reconfirm: () => callersOf.reconfirm(context),
    };
    return context;
  };
}
