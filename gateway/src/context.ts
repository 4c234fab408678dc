import type { RequestContext, RequestInfo } from '@switchyard/kit';

export interface GatewayContext extends RequestContext {
  authorization?: string;
}

export async function gatewayContext({ headers, requestId, log }: RequestInfo): Promise<GatewayContext> {
  return { requestId, log, authorization: headers.authorization };
}
