import type { IncomingHttpHeaders } from 'node:http';
import type { Auth, RequestContext, RequestInfo } from '@switchyard/kit';

export interface GatewayContext extends RequestContext {
  authorization?: string;
  /** Where the caller reached us, so subgraphs can build public URLs. */
  forwardedHost?: string;
  forwardedProto: string;
  /** Who is calling, for limits: `user:<id>`, `token:<id>` (signature checked) or `ip:<address>`. */
  caller: string;
}

const first = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();

/** The caller's key for limits; forwarded addresses count only behind a trusted proxy. */
export function callerKey(auth: Auth, trustProxy: boolean) {
  return (headers: IncomingHttpHeaders, remoteAddress: string | undefined): string =>
    auth.callerOf(headers.authorization) ??
    `ip:${(trustProxy && first(headers['x-forwarded-for'])) || remoteAddress || 'unknown'}`;
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
  });
}
