/**
 * Synthetic monorepos for the benchmarks, the same for a given seed and size: Dockerfiles, compose
 * files, Kubernetes manifests, Helm charts with many templates, CRD-heavy YAML, GitHub workflows,
 * and many unrelated source files (as most of a real monorepo is).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** mulberry32: small, fast, and the same numbers for the same seed everywhere. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASES = ['nginx:1.27', 'postgres:16.4', 'redis:7.4-alpine', 'node:20-bookworm', 'python:3.12-slim', 'golang:1.23', 'gcr.io/distroless/static-debian12', 'ghcr.io/acme/api:2.1.0', 'quay.io/prometheus/prometheus:v2.54.1', 'bitnami/kafka:3.7', 'ngnix:latest', 'registry.k8s.io/pause:3.10'];

/** What a repository holds, by kind: files written of each kind. */
export interface SyntheticRepo {
  root: string;
  files: number;
  byKind: Record<string, number>;
}

interface Writer {
  write(relative: string, text: string): void;
  pick<T>(list: readonly T[]): T;
  n(max: number): number;
}

function dockerfile(w: Writer, i: number): string {
  return `# syntax=docker/dockerfile:1\nARG BASE=${w.pick(BASES)}\nFROM \${BASE} AS build\nWORKDIR /src\nCOPY . .\nRUN make build-${i}\nFROM ${w.pick(BASES)}\nCOPY --from=build /out /app\nUSER 65532\nENTRYPOINT ["/app"]\n`;
}

function compose(w: Writer, i: number): string {
  let text = `services:\n`;
  for (let s = 0; s < 3 + w.n(4); s++) text += `  svc${i}-${s}:\n    image: ${w.pick(BASES)}\n    environment:\n      LOG_LEVEL: info\n    ports: ["${8000 + s}:80"]\n`;
  return text + `  built${i}:\n    build: ./app\n    image: acme/built${i}:dev\n`;
}

function manifests(w: Writer, i: number): string {
  const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\n  labels: {app: app-${i}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: app-${i}}\n  template:\n    metadata:\n      labels: {app: app-${i}}\n    spec:\n      initContainers:\n        - name: migrate\n          image: ${w.pick(BASES)}\n      containers:\n        - name: app\n          image: ${w.pick(BASES)}\n          ports: [{containerPort: 8080}]\n          resources: {limits: {cpu: 500m, memory: 256Mi}}\n`;
  const service = `apiVersion: v1\nkind: Service\nmetadata:\n  name: app-${i}\nspec:\n  selector: {app: app-${i}}\n  ports: [{port: 80, targetPort: 8080}]\n`;
  const config = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-${i}\ndata:\n${Array.from({ length: 20 }, (_, k) => `  key${k}: "value ${k} for app ${i}"`).join('\n')}\n`;
  return [deployment, service, config].join('---\n');
}

/** A CRD with a large schema (what makes chart collections slow to parse). */
function crd(w: Writer, i: number): string {
  const properties = Array.from({ length: 120 }, (_, k) => `                field${k}:\n                  type: string\n                  description: "Field ${k} of widget ${i}; the image pull policy, container image or other setting it configures."\n`).join('');
  const one = (v: number) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets${v}.example${i}.com\nspec:\n  group: example${i}.com\n  names: {kind: Widget${v}, plural: widgets${v}}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n${properties}`;
  return [one(1), one(2), one(3)].join('---\n') + (w.n(2) ? `---\napiVersion: example${i}.com/v1\nkind: Widget1\nmetadata: {name: w}\nspec:\n  containers:\n    - name: w\n      image: ${w.pick(BASES)}\n` : '');
}

function workflow(w: Writer, i: number): string {
  return `name: ci-${i}\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: ${w.pick(BASES)}\n    services:\n      db:\n        image: ${w.pick(BASES)}\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker://${w.pick(BASES)}\n      - run: make test\n`;
}

function helmChart(w: Writer, dir: string, i: number, templates: number): number {
  w.write(`${dir}/Chart.yaml`, `apiVersion: v2\nname: chart${i}\nversion: 1.${i}.0\nappVersion: "2.${i}"\n`);
  w.write(`${dir}/values.yaml`, `image:\n  repository: ${w.pick(['nginx', 'ghcr.io/acme/api', 'bitnami/redis'])}\n  tag: "1.${i}"\n  pullPolicy: IfNotPresent\nsidecar:\n  image: ${w.pick(BASES)}\nreplicaCount: 2\nresources: {}\n`);
  w.write(`${dir}/templates/_helpers.tpl`, `{{- define "chart${i}.fullname" -}}\n{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}\n{{- end -}}\n{{- define "chart${i}.labels" -}}\napp.kubernetes.io/name: {{ .Chart.Name }}\napp.kubernetes.io/instance: {{ .Release.Name }}\n{{- end -}}\n`);
  for (let t = 0; t < templates; t++) {
    w.write(
      `${dir}/templates/deployment-${t}.yaml`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "chart${i}.fullname" . }}-${t}\n  labels:\n    {{- include "chart${i}.labels" . | nindent 4 }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n        - name: main\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"\n          imagePullPolicy: {{ .Values.image.pullPolicy }}\n        {{- if .Values.sidecar }}\n        - name: sidecar\n          image: {{ .Values.sidecar.image }}\n        {{- end }}\n`,
    );
  }
  return templates + 3;
}

function sourceFile(w: Writer, i: number): [string, string] {
  const kind = w.n(5);
  if (kind === 0) return [`pkg${i % 97}/file${i}.go`, `package pkg\n\nimport "fmt"\n\n// F${i} does nothing much.\nfunc F${i}(x int) string {\n\treturn fmt.Sprintf("%d", x*${i})\n}\n`.repeat(4)];
  if (kind === 1) return [`docs/page${i}.md`, `# Page ${i}\n\nRun \`docker run nginx\` to try it. This text mentions image: nginx but is prose.\n`.repeat(6)];
  if (kind === 2) return [`packages/p${i % 211}/package${i}.json`, JSON.stringify({ name: `p${i}`, version: '1.0.0', dependencies: { lodash: '^4.17.21' } }, null, 2)];
  return [`src/module${i % 301}/file${i}.ts`, `export function f${i}(value: number): number {\n  // image: not really\n  return value * ${i};\n}\n`.repeat(8)];
}

/** Writes a repository of about `files` files under `root`. */
export function writeSyntheticRepo(root: string, files: number, seed = 42): SyntheticRepo {
  const rnd = random(seed);
  const byKind: Record<string, number> = {};
  let written = 0;
  const w: Writer = {
    write(relative, text) {
      const full = path.join(root, relative);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
      written++;
    },
    pick: (list) => list[Math.floor(rnd() * list.length)]!,
    n: (max) => Math.floor(rnd() * max),
  };
  const count = (kind: string, n = 1) => (byKind[kind] = (byKind[kind] ?? 0) + n);
  const share = (fraction: number) => Math.max(1, Math.round(files * fraction));
  for (let i = 0; i < share(0.03); i++, count('Dockerfile')) w.write(`services/svc${i}/Dockerfile`, dockerfile(w, i));
  for (let i = 0; i < share(0.02); i++, count('compose')) w.write(`services/svc${i}/compose.yaml`, compose(w, i));
  for (let i = 0; i < share(0.06); i++, count('kubernetes')) w.write(`deploy/k8s/app${i}.yaml`, manifests(w, i));
  for (let i = 0; i < share(0.015); i++, count('crd-heavy')) w.write(`deploy/crds/crd${i}.yaml`, crd(w, i));
  for (let i = 0; i < share(0.01); i++, count('workflow')) w.write(`.github/workflows/ci${i}.yml`, workflow(w, i));
  const charts = Math.max(1, Math.round((files * 0.08) / 43));
  for (let i = 0; i < charts; i++) count('helm', helmChart(w, `charts/chart${i}`, i, 40));
  for (let i = 0; written < files; i++, count('source')) {
    const [relative, text] = sourceFile(w, i);
    w.write(relative, text);
  }
  return { root, files: written, byKind };
}
