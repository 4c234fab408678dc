import type { RequestContext, RequestInfo } from '@switchyard/kit';

export interface GatewayContext extends RequestContext {
  authorization?: string;
  /** Where the caller reached us, so subgraphs can build public URLs. */
  forwardedHost?: string;
  forwardedProto: string;
}

export async function gatewayContext({ headers, requestId, log }: RequestInfo): Promise<GatewayContext> {
  const first = (value: string | string[] | undefined) =>
    (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
  return {
    requestId,
    log,
    authorization: headers.authorization,
    forwardedHost: first(headers['x-forwarded-host']) ?? headers.host,
    forwardedProto: first(headers['x-forwarded-proto']) ?? 'http',
  };
}
