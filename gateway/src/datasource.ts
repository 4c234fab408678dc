import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GatewayContext } from './context.js';

/** Forwards the caller's credentials and request id; every subgraph verifies the token itself. */
export class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    if (!context?.requestId) return; // health checks carry no caller
    request.http?.headers.set('x-request-id', context.requestId);
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
    if (context.forwardedHost) request.http?.headers.set('x-forwarded-host', context.forwardedHost);
    request.http?.headers.set('x-forwarded-proto', context.forwardedProto);
  }

  /** Counts mutation requests, and those refused at connect, for at-most-once (idempotency.ts). */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const counts = (options.context as GatewayContext | undefined)?.mutations;
    const mutation = counts && /^\s*mutation\b/.test(options.request.query ?? '');
    if (mutation) counts.sent++;
    try {
      return await super.process(options);
    } catch (error) {
      if (mutation && (error as { code?: string }).code === 'ECONNREFUSED') counts.refused++;
      throw error;
    }
  }
}
