import type { RequestContext, RequestInfo } from '@switchyard/kit';

export interface GatewayContext extends RequestContext {
  authorization?: string;
  /** Where the caller reached us, so subgraphs can build public URLs. */
  forwardedHost?: string;
  forwardedProto: string;
}

const first = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();

/** Forwarded headers from the caller count only behind a trusted proxy (TRUST_PROXY). */
export function gatewayContext(trustProxy: boolean) {
  return async ({ headers, requestId, log }: RequestInfo): Promise<GatewayContext> => ({
    requestId,
    log,
    authorization: headers.authorization,
    forwardedHost: (trustProxy && first(headers['x-forwarded-host'])) || headers.host,
    forwardedProto: (trustProxy && first(headers['x-forwarded-proto'])) || 'http',
  });
}
