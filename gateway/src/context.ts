import type { IncomingHttpHeaders } from 'node:http';
import type { Auth, RequestContext, RequestInfo } from '@switchyard/kit';

export interface GatewayContext extends RequestContext {
  authorization?: string;
  /** Where the caller reached us, so subgraphs can build public URLs. */
  forwardedHost?: string;
  forwardedProto: string;
  /** Who is calling, for limits: `user:<id>`, `token:<id>` (signature checked) or `ip:<address>`. */
  caller: string;
  /** Mutation requests sent to subgraphs, and those refused at connect (so never run). */
  mutations: { sent: number; refused: number };
}

const first = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
/** The address our proxy appended: the ones before it are whatever the caller sent. */
const last = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value.at(-1) : value)?.split(',').at(-1)?.trim();

/**
 * The caller's key for limits and idempotency; a forwarded address counts only behind a trusted
 * proxy (one hop: the address it appended).
 */
export function callerKey(auth: Auth, trustProxy: boolean) {
  return (headers: IncomingHttpHeaders, remoteAddress: string | undefined): string =>
    auth.callerOf(headers.authorization) ??
    `ip:${(trustProxy && last(headers['x-forwarded-for'])) || remoteAddress || 'unknown'}`;
}

/** Forwarded headers from the caller count only behind a trusted proxy (TRUST_PROXY). */
export function gatewayContext(trustProxy: boolean, caller: ReturnType<typeof callerKey>) {
  return async ({ headers, remoteAddress, requestId, log }: RequestInfo): Promise<GatewayContext> => ({
    requestId,
    log,
    authorization: headers.authorization,
    forwardedHost: (trustProxy && first(headers['x-forwarded-host'])) || headers.host,
    forwardedProto: (trustProxy && first(headers['x-forwarded-proto'])) || 'http',
    caller: caller(headers, remoteAddress),
    mutations: { sent: 0, refused: 0 },
  });
}
