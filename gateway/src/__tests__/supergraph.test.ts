import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GraphQLClient, Stack, waitFor } from '@switchyard/testing';
import { composeSupergraph, CompositionError } from '../index.js';
import { extraGateway, metricOf, ROOT, startStack } from './stack.js';

const run = promisify(execFile);

describe('supergraph composition', () => {
  it('matches the committed supergraph.graphql (run `npm run compose` after changing a subgraph)', async () => {
    const committed = await readFile(join(ROOT, 'supergraph.graphql'), 'utf8');
    expect(await composeSupergraph(join(ROOT, 'supergraph.yaml'))).toBe(committed);
  });

  it('reports composition errors clearly and the CLI exits non-zero', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'compose-'));
    await writeFile(join(dir, 'a.graphql'), 'type Query { price: Int }\n');
    await writeFile(join(dir, 'b.graphql'), 'type Query { price: String }\n');
    await writeFile(
      join(dir, 'supergraph.yaml'),
      [
        'federation_version: =2.7.0',
        'subgraphs:',
        ...['a', 'b'].flatMap((n) => [
          `  ${n}:`,
          `    routing_url: http://${n}/graphql`,
          '    schema:',
          `      file: ./${n}.graphql`,
        ]),
      ].join('\n'),
    );
    await expect(composeSupergraph(join(dir, 'supergraph.yaml'))).rejects.toThrow(CompositionError);
    await expect(composeSupergraph(join(dir, 'supergraph.yaml'))).rejects.toThrow(/price/);

    const cli = run(process.execPath, [
      join(ROOT, 'gateway/dist/compose-cli.js'),
      join(dir, 'supergraph.yaml'),
      join(dir, 'out.graphql'),
    ]);
    await expect(cli).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('composition failed') });
  });
});

describe('the gateway', () => {
  const stack = new Stack();
  afterAll(() => stack.close());

  const DESCRIPTION = '{ __type(name: "Query") { fields { name description } } }';
  const describeMe = async (client: { data: (q: string) => Promise<any> }) =>
    (await client.data(DESCRIPTION)).__type.fields.find((f: { name: string }) => f.name === 'me').description;

  it('reloads the supergraph file when it changes, answering every request meanwhile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'supergraph-'));
    const file = join(dir, 'supergraph.graphql');
    const original = await readFile(join(ROOT, 'supergraph.graphql'), 'utf8');
    expect(original).toContain('"""The signed-in user."""');
    await writeFile(file, original);
    const { client, gateway } = await startStack(stack, { gateway: { SUPERGRAPH_FILE: file } });
    expect(await describeMe(client)).toBe('The signed-in user.');

    let stop = false;
    const traffic = (async () => {
      let answered = 0;
      while (!stop) {
        const result = await client.request(
          'mutation { login(email: "nobody@example.com", password: "some-password") { token } }',
        );
        expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        answered++;
      }
      return answered;
    })();

    await writeFile(file, original.replace('"""The signed-in user."""', '"""The signed-in user, reloaded."""'));
    await waitFor(async () => (await describeMe(client)) === 'The signed-in user, reloaded.', 30_000, 'the reload');

    // A broken file is refused and the schema in service stays.
    await writeFile(file, 'this is not a supergraph');
    await waitFor(async () => (await metricOf(gateway, 'gateway_supergraph_rejected_total')) === 1, 30_000, 'refusal');
    expect(await describeMe(client)).toBe('The signed-in user, reloaded.');
    stop = true;
    expect(await traffic).toBeGreaterThan(0);
  });

  it('can compose from a list of subgraph URLs instead of a file', async () => {
    const first = await startStack(stack);
    const introspecting = await extraGateway(stack, first, {
      SUPERGRAPH_SOURCE: 'introspect',
      SUBGRAPH_URLS: `users=${first.users.url}`,
      INTROSPECT_POLL_MS: '0',
    });
    const result = await new GraphQLClient(introspecting.url).request(
      'mutation { register(email: "introspected@example.com", password: "long-enough-pw") { user { email } } }',
    );
    expect(result.data).toEqual({ register: { user: { email: 'introspected@example.com' } } });
  });
});
