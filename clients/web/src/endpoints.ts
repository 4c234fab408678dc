// Its own module so that a page needing only the addresses (the dashboard) bundles nothing of GraphiQL's.

/** The gateway that served the page: GraphQL over HTTP and over WebSocket on the same path. */
export function endpoints(location: Pick<Location, 'protocol' | 'host'>): { http: string; ws: string } {
  const http = `${location.protocol}//${location.host}/graphql`;
  return { http, ws: http.replace(/^http/, 'ws') };
}
