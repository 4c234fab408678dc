// Introspection as newer tools send it (graphql-js's getIntrospectionQuery({ oneOf: true })),
// answered by a subgraph and by the gateway, over HTTP and WebSocket.
import { join } from 'node:path';
import { service as sessions } from '@switchyard/sessions';
import { aloneGatewayKey, freshDatabase, startAlone, Stack, TestSubscription } from '@switchyard/testing';
import { getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { ROOT, testGateway } from './stack.js';

const stack = new Stack();
afterAll(() => stack.close());

const FULL = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});

/** What introspection says of `isOneOf` for an input and an object type of the schema. */
function oneOfOf(data: IntrospectionQuery, input: string, object: string) {
  const type = (name: string) => data.__schema.types.find((t) => t.name === name) as { isOneOf?: boolean | null };
  return { input: type(input).isOneOf, object: type(object).isOneOf };
}

it('a subgraph answers the full introspection query with isOneOf', async () => {
  const alone = await startAlone(stack, 'sessions', sessions);
  const result = await (await alone.as()).request<IntrospectionQuery>(FULL);
  expect(result.status).toBe(200);
  expect(result.errors).toBeUndefined();
  expect(oneOfOf(result.data!, 'SessionFilter', 'Session')).toEqual({ input: false, object: null });
});

it('the gateway answers it over HTTP and WebSocket, alone and beside other fields', async () => {
  // Introspection is answered by the gateway itself: no subgraph needs to run.
  const gateway = await testGateway(stack, {
    LOG_LEVEL: 'warn',
    GATEWAY_SIGNING_KEY: JSON.stringify((await aloneGatewayKey()).privateJwk),
    DATABASE_URL: await freshDatabase('introspection'),
    SUPERGRAPH_FILE: join(ROOT, 'supergraph.graphql'),
  });
  const result = await gateway.client.request<IntrospectionQuery>(FULL);
  expect(result.status).toBe(200);
  expect(result.errors).toBeUndefined();
  expect(oneOfOf(result.data!, 'SessionFilter', 'Session')).toEqual({ input: false, object: null });

  const mixed = '{ __typename t: __type(name: "SessionFilter") { name isOneOf } }';
  expect((await gateway.client.request(mixed)).data).toEqual({
    __typename: 'Query',
    t: { name: 'SessionFilter', isOneOf: false },
  });
  const overSocket = new TestSubscription(gateway.url, mixed);
  await overSocket.untilEnded();
  await overSocket.close();
  expect(overSocket.results).toEqual([{ data: { __typename: 'Query', t: { name: 'SessionFilter', isOneOf: false } } }]);
});
