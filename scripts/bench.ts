/**
 * Benchmarks, printed as ratios against a baseline measured in the same run on the same machine,
 * so results compare across machines. Never asserted in tests.
 *
 *   discovery / read      : discovering images in a synthetic repository vs only walking and reading it
 *   checks / normalize    : running every offline rule (typosquat included) vs only normalizing references
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runChecks } from '../src/checks/index.js';
import { defaultPolicy } from '../src/config/load.js';
import { discoverRepository } from '../src/discover/index.js';
import { readTextFile, walkRepository } from '../src/discover/walk.js';
import { normalizeForOccurrence } from '../src/reference/index.js';

const ROUNDS = 5;

async function median(run: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

const IMAGES = ['nginx:1.27', 'postgres:16.4', 'redis:7.4-alpine', 'ghcr.io/acme/api:2.1.0', 'bitnami/kafka:3.7', 'ngnix:latest', 'quay.io/prometheus/prometheus:v2.54.1'];

async function syntheticRepository(files: number): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'vi-bench-'));
  for (let index = 0; index < files; index++) {
    const directory = path.join(root, `service-${index}`);
    await mkdir(directory, { recursive: true });
    const image = IMAGES[index % IMAGES.length];
    await writeFile(path.join(directory, 'Dockerfile'), `ARG BASE=${image}\nFROM \${BASE} AS build\nRUN make\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out /app\n`);
    await writeFile(
      path.join(directory, 'compose.yaml'),
      `services:\n  app:\n    image: ${image}\n  db:\n    image: "postgres:\${PG:-16}"\n`,
    );
    await writeFile(
      path.join(directory, 'deploy.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: s${index}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`,
    );
    await writeFile(path.join(directory, 'README.md'), `# service ${index}\n`.repeat(20));
  }
  return root;
}

const root = await syntheticRepository(300);
try {
  const readOnly = await median(async () => {
    const { files } = await walkRepository(root);
    for (const file of files) await readTextFile(path.join(root, file), 2 * 1024 * 1024);
  });
  const discovery = await median(() => discoverRepository(root));
  const { occurrences, sources } = await discoverRepository(root);
  const policy = defaultPolicy();
  const normalizeOnly = await median(() => {
    for (const occurrence of occurrences) normalizeForOccurrence(occurrence.resolved ?? occurrence.raw);
  });
  const checks = await median(() => runChecks(occurrences, policy, sources));
  console.log(`synthetic repository: 1,200 files, ${occurrences.length} image occurrences; median of ${ROUNDS} rounds`);
  console.log(`discovery / read      ${(discovery / readOnly).toFixed(2)}x  (baseline: walk and read every file, ${readOnly.toFixed(1)} ms)`);
  console.log(`checks / normalize    ${(checks / normalizeOnly).toFixed(2)}x  (baseline: normalize every reference, ${normalizeOnly.toFixed(1)} ms)`);
} finally {
  await rm(root, { recursive: true, force: true });
}
