// The deploy files checked offline: the Dockerfile's rules, the compose file, and the k8s
// manifests as kustomize renders them, against the Kubernetes API's schemas (kubernetes-models)
// and against supergraph.yaml. No Docker engine, no cluster, no network.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { readRegistry } from '@switchyard/gateway';
import { parse } from 'yaml';
import { REGISTRY, ROOT } from '../index.js';
import {
  dataPaths,
  dockerfileStages,
  finalStage,
  type K8sObject,
  kubectlKustomize,
  renderKustomization,
} from './deploy-files.js';

const services = ['gateway', ...readRegistry(REGISTRY).map((entry) => entry.name)];
const text = (file: string) => readFileSync(join(ROOT, file), 'utf8');
/** `name:1.2.3...` or a digest: one build of an image, never a moving tag. */
const pinned = (image: string) => /@sha256:[0-9a-f]{64}$/.test(image) || /:\d+\.\d+(\.\d+)?[\w.-]*$/.test(image);
const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

describe('docker/Dockerfile', () => {
  const final = finalStage();
  const uid = final.user.split(':')[0]!;

  it('builds from pinned base images with npm ci and npm run build alone', () => {
    const stages = dockerfileStages();
    for (const stage of stages) expect(pinned(stage[0]!.args.split(' ')[0]!)).toBe(true);
    const build = stages[0]!;
    const ci = build.findIndex((i) => i.keyword === 'RUN' && /^npm ci\b/.test(i.args));
    const rest = build.findIndex((i) => i.keyword === 'COPY' && i.args === '. .');
    expect(ci).toBeGreaterThan(0);
    expect(rest).toBeGreaterThan(ci);
    expect(
      build
        .slice(rest)
        .filter((i) => i.keyword === 'RUN')
        .map((i) => i.args),
    ).toEqual([expect.stringMatching(/^npm run build\b/)]);
    // Before npm ci, the manifests alone (so its layer is cached until one changes), each in its
    // own folder: the root's and every workspace's.
    const copied = build.slice(0, ci).flatMap(({ keyword, args }) => {
      if (keyword !== 'COPY') return [];
      const paths = args.split(' ');
      const into = paths.pop()!;
      for (const path of paths)
        expect([path, into]).toEqual([path, posix.dirname(path) === '.' ? './' : `${posix.dirname(path)}/`]);
      return paths;
    });
    const workspaces = (JSON.parse(text('package.json')) as { workspaces: string[] }).workspaces.flatMap((pattern) =>
      pattern.endsWith('/*')
        ? readdirSync(join(ROOT, pattern.slice(0, -2))).map((name) => `${pattern.slice(0, -2)}/${name}`)
        : [pattern],
    );
    expect(copied.sort()).toEqual(
      [
        'package.json',
        'package-lock.json',
        ...workspaces.filter((dir) => existsSync(join(ROOT, dir, 'package.json'))).map((dir) => `${dir}/package.json`),
      ].sort(),
    );
    // Secrets and local builds stay out of the context.
    const ignored = text('.dockerignore').split('\n');
    for (const pattern of ['**/node_modules', '**/dist', '**/.env', 'k8s/*.env', '.data'])
      expect(ignored).toContain(pattern);
  });

  it('runs as a numeric non-root user, with the code owned by root and copied with --chown', () => {
    expect(uid).toMatch(/^[1-9]\d*$/);
    const copies = final.stage.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy.args).toMatch(/--chown=\S+/);
    expect(final.stage.some((i) => i.keyword === 'HEALTHCHECK' && /\/health/.test(i.args))).toBe(true);
    expect(final.cmd.join(' ')).toContain('$SERVICE/dist/main.js');
  });

  it('makes every data path it declares, owned by that user', () => {
    const paths = dataPaths(final.env);
    expect(paths.map(([name]) => name).sort()).toEqual(['DATA_DIR', 'MAIL_FOLDER', 'STORAGE_DIR']);
    for (const [name, path] of paths) {
      expect([name, final.made.some((dir) => under(dir, path))]).toEqual([name, true]);
      expect([
        name,
        final.owned.some((o) => o.owner.split(':')[0] === uid && o.paths.some((p) => under(path, p))),
      ]).toEqual([name, true]);
      expect(under(path, final.workdir)).toBe(false);
    }
  });
});

describe('docker/compose.yaml', () => {
  const compose = parse(text('docker/compose.yaml'), { merge: true }) as {
    services: Record<string, Record<string, any>>;
  };
  const { env } = finalStage();

  it('runs every service of supergraph.yaml and the gateway from the image, with health checks', () => {
    for (const name of services) {
      const service = compose.services[name];
      expect([name, service?.image, service?.build?.dockerfile]).toEqual([name, 'switchyard', 'docker/Dockerfile']);
      // The image's HEALTHCHECK (on the service's PORT), which service_healthy waits for.
      expect([name, service!.healthcheck]).toEqual([name, undefined]);
      expect([name, service!.environment?.PORT]).toEqual([name, expect.stringMatching(/^\d+$/)]);
      expect(service!.restart).toBe('unless-stopped');
    }
    const gatewayNeeds = compose.services.gateway!.depends_on as Record<string, { condition: string }>;
    for (const name of services.filter((s) => s !== 'gateway'))
      expect([name, gatewayNeeds[name]?.condition]).toEqual([name, 'service_healthy']);
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build) continue;
      expect([name, pinned(service.image)]).toEqual([name, true]);
      expect([name, service.healthcheck?.test]).toEqual([name, expect.any(Array)]);
    }
  });

  it('keeps documents and mail in volumes at the image’s data paths', () => {
    expect(compose.services.benchmarks!.volumes).toContain(`documents:${env.STORAGE_DIR}`);
    expect(compose.services.ingestion!.volumes).toContain(`mail:${env.MAIL_FOLDER}`);
  });

  it('asks for every required setting in docker/.env, whose example names them all', () => {
    const required = new Set([...text('docker/compose.yaml').matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]!));
    expect(required.size).toBeGreaterThan(0);
    const example = text('docker/.env.example');
    for (const name of required) expect([name, new RegExp(`^${name}=`, 'm').test(example)]).toEqual([name, true]);
  });
});

describe('k8s (kustomize)', () => {
  const objects = renderKustomization();
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as any;
  const { user, env } = finalStage();

  it('renders as kubectl kustomize does, to objects the Kubernetes schemas accept', () => {
    const sorted = (list: K8sObject[]) =>
      [...list].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
    const kubectl = kubectlKustomize();
    if (kubectl) expect(sorted(objects)).toEqual(sorted(kubectl));
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'validate-manifests.mjs')], {
      input: JSON.stringify(objects),
      encoding: 'utf8',
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('gives every service probes, resources, a pinned image and a non-root user', () => {
    for (const name of [...services, 'mqtt']) {
      const deployment = find('Deployment', name);
      expect([name, deployment?.kind]).toEqual([name, 'Deployment']);
      expect(find('Service', name)).toBeDefined();
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const where = `${name}/${container.name}`;
        expect([where, pinned(container.image)]).toEqual([where, true]);
        expect([where, container.imagePullPolicy]).toEqual([where, 'IfNotPresent']);
        expect([where, container.resources?.requests?.cpu, container.resources?.limits?.memory]).toEqual([
          where,
          expect.any(String),
          expect.any(String),
        ]);
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        });
      }
      const [main] = pod.containers;
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'])
        expect([name, probe, main[probe]]).toEqual([name, probe, expect.any(Object)]);
      if (name === 'mqtt') continue;
      expect(main.readinessProbe.httpGet.path).toBe('/ready');
      expect(main.livenessProbe.httpGet.path).toBe('/health');
      // Every probe asks the port the service listens on (PORT), by number or by the port's name.
      const listens = main.env.find((e: { name: string }) => e.name === 'PORT')?.value;
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const { port } = main[probe].httpGet;
        const number =
          typeof port === 'number' ? port : main.ports.find((p: { name?: string }) => p.name === port)?.containerPort;
        expect([name, probe, String(number)]).toEqual([name, probe, listens]);
      }
      // The image's user, and its data paths writable on a read-only root.
      expect(String(pod.securityContext.runAsUser)).toBe(user.split(':')[0]);
      for (const [, path] of dataPaths(env))
        expect([name, path, main.volumeMounts.some((m: { mountPath: string }) => under(path, m.mountPath))]).toEqual([
          name,
          path,
          true,
        ]);
    }
  });

  it('keeps the gateway available through disruptions and scales it on load', () => {
    expect(find('PodDisruptionBudget', 'gateway').spec).toMatchObject({
      minAvailable: 1,
      selector: { matchLabels: { app: 'gateway' } },
    });
    expect(find('HorizontalPodAutoscaler', 'gateway').spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'gateway' },
      minReplicas: 2,
    });
  });

  it('shares documents and MQTT across replicas: a bucket and a broker are required settings', () => {
    const required = (name: string, setting: string) => {
      const variable = find('Deployment', name).spec.template.spec.containers[0].env.find(
        (e: { name: string }) => e.name === setting,
      );
      // Set, from a key of a Secret, and not optional: without that key the pod does not start.
      const ref = variable?.valueFrom?.secretKeyRef;
      expect([name, setting, ref?.key, ref?.optional ?? false]).toEqual([name, setting, setting, false]);
    };
    expect(find('Deployment', 'benchmarks').spec.replicas).toBeGreaterThan(1);
    required('benchmarks', 'S3_BUCKET');
    expect(find('Deployment', 'ingestion').spec.replicas).toBeGreaterThan(1);
    required('ingestion', 'MQTT_URL');
  });

  it('takes secrets from generators over git-ignored files, and refers only to what it makes', () => {
    const kustomization = parse(text('k8s/kustomization.yaml'));
    for (const { envs } of kustomization.secretGenerator) {
      for (const file of envs as string[]) {
        expect(existsSync(join(ROOT, 'k8s', `${file}.example`))).toBe(true);
        expect(execFileSync('git', ['check-ignore', join('k8s', file)], { cwd: ROOT, encoding: 'utf8' }).trim()).toBe(
          join('k8s', file),
        );
      }
    }
    const refs = JSON.stringify(objects);
    for (const [, name] of refs.matchAll(/"secretRef":\{"name":"([^"]+)"/g))
      expect(find('Secret', name!)).toBeDefined();
    for (const [, name, key] of refs.matchAll(/"secretKeyRef":\{"name":"([^"]+)","key":"([^"]+)"/g))
      expect([name, key, find('Secret', name!)?.data?.[key!] !== undefined]).toEqual([name, key, true]);
    for (const [, name] of refs.matchAll(/"configMap":\{"name":"([^"]+)"/g))
      expect(find('ConfigMap', name!)).toBeDefined();
  });
});
