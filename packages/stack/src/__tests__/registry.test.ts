// supergraph.yaml is the one list of subgraphs: what is built from it is tested by using it, what
// is written by hand (deploy files, settings) is checked against it here.
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readRegistry } from '@switchyard/gateway';
import { generateSigningKey } from '@switchyard/kit';
import { freshDatabase, GraphQLClient, sqlClient, Stack } from '@switchyard/testing';
import { parse, stringify } from 'yaml';
import { REGISTRY, ROOT, startAll } from '../index.js';

const registry = readRegistry(REGISTRY);
const text = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('the registry (supergraph.yaml)', () => {
  const stack = new Stack();
  afterAll(() => stack.close());

  it('is all it takes to add a subgraph: the stack starts it and the gateway serves its fields', async () => {
    // The repository's registry and one more entry: a fixture subgraph's folder, nothing else.
    const fixture = join(ROOT, 'packages', 'stack', 'fixtures', 'echo');
    const subgraphs = Object.fromEntries(
      registry.map((entry) => [
        entry.name,
        { routing_url: entry.routingUrl, schema: { file: entry.schemaFile }, package: entry.packageDir },
      ]),
    );
    subgraphs.echo = {
      routing_url: 'http://127.0.0.1:4099/graphql',
      schema: { file: join(fixture, 'schema.graphql') },
      package: fixture,
    };
    const file = join(await mkdtemp(join(tmpdir(), 'registry-')), 'supergraph.yaml');
    await writeFile(file, stringify({ federation_version: '=2.14.4', subgraphs }));

    const admin = { email: 'admin@registry.test', password: 'admin-password-1' };
    const databaseUrl = await freshDatabase('registry');
    const running = await stack.add(
      startAll({
        databaseUrl,
        gatewayKey: await generateSigningKey(),
        admin,
        registry: file,
      }),
    );
    expect(Object.keys(running.subgraphs)).toEqual([...registry.map((entry) => entry.name), 'echo']);
    const client = new GraphQLClient(running.gateway.url);
    expect(await client.data('{ echo(text: "through the gateway") }')).toEqual({ echo: 'through the gateway' });
    // Its field on another subgraph's entity, resolved with the caller the gateway confirmed.
    const { login } = await client.data(
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id } } }',
      { e: admin.email, p: admin.password },
    );
    const { me } = await client.as(login.token).data('{ me { email echoedBy } }');
    expect(me).toEqual({ email: admin.email, echoedBy: `${login.user.id} asked by ${login.user.id}` });
    // It said database: false, and opened none.
    const sql = await sqlClient(databaseUrl);
    try {
      const { rows } = await sql.query(
        "select count(*)::int as n from information_schema.schemata where schema_name = 'echo'",
      );
      expect(rows[0].n).toBe(0);
    } finally {
      await sql.end();
    }
  });

  it('names each subgraph with its port in the deploy files, the settings and the build', () => {
    const compose = parse(text('docker/compose.yaml')) as {
      services: Record<string, { environment: Record<string, string> }>;
    };
    const kustomization = parse(text('k8s/kustomization.yaml')) as { resources: string[] };
    const gatewayUrls = (urls: string) => urls.split(',').sort();
    const expectedUrls = registry.map(({ name, port }) => `${name}=http://${name}:${port}/graphql`).sort();
    const tsconfig = JSON.parse(text('tsconfig.json')) as { references: Array<{ path: string }> };
    for (const { name, port, packageDir, envPrefix } of registry) {
      const folder = relative(ROOT, packageDir);
      expect(compose.services[name]?.environment).toMatchObject({ SERVICE: folder, PORT: String(port) });
      expect(kustomization.resources).toContain(`${name}.yaml`);
      const manifest = text(`k8s/${name}.yaml`);
      expect(manifest).toContain(`{ name: SERVICE, value: ${folder} }`);
      expect(manifest).toContain(`{ name: PORT, value: '${port}' }`);
      expect(text('.env.example')).toContain(`# ${envPrefix}_PORT=${port}`);
      expect(tsconfig.references.map((reference) => reference.path)).toContain(folder);
    }
    expect(gatewayUrls(compose.services.gateway!.environment.SUBGRAPH_URLS!)).toEqual(expectedUrls);
    const k8sUrls = /name: SUBGRAPH_URLS,\s*value: '([^']+)'/.exec(text('k8s/gateway.yaml'))?.[1] ?? '';
    expect(gatewayUrls(k8sUrls)).toEqual(expectedUrls);
  });
});
