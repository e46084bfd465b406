/**
 * Discovery I/O against the physical floor (issue 15): a plain synchronous read of the same
 * candidate files, paths known in advance. Printed as ratios, per repository size and per 4x
 * files; never asserted in tests.
 *
 *   walk+read / floor   : listing the tree (name prefilter, skipped trees) and reading the candidates
 *   discovery / floor   : the whole discovery pass (parsing included)
 *   before / floor      : the previous shape: an async walk reading every file, one await each
 *
 *   npx tsx bench/walk.ts [files...]     (default 1000 4000 16000)
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeText } from '../src/discover/decode.js';
import { DISCOVERERS, discoverRepository, isCandidatePath, MAX_FILE_BYTES } from '../src/discover/index.js';
import { readFileBytes, walkRepositorySync } from '../src/discover/walk.js';

const ROUNDS = 5;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SIZES = sizes.length > 0 ? sizes : [1_000, 4_000, 16_000];

async function median(run: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

const IMAGES = ['nginx:1.27', 'postgres:16.4', 'redis:7.4-alpine', 'ghcr.io/acme/api:2.1.0', 'bitnami/kafka:3.7', 'quay.io/prometheus/prometheus:v2.54.1'];

/** A monorepo of services: per 20 files, 3 that name images and 17 that do not (sources, docs, assets, dependencies). */
async function syntheticRepository(files: number): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'vi-bench-walk-'));
  for (let service = 0; service < files / 20; service++) {
    const directory = path.join(root, 'services', `svc-${service}`);
    const image = IMAGES[service % IMAGES.length];
    const put = async (name: string, content: string | Buffer) => {
      await mkdir(path.dirname(path.join(directory, name)), { recursive: true });
      await writeFile(path.join(directory, name), content);
    };
    await put('Dockerfile', `FROM ${image} AS build\nRUN make\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out /app\n`);
    await put('compose.yaml', `services:\n  app:\n    image: ${image}\n`);
    await put('deploy/deployment.yaml', `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: s${service}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`);
    for (let index = 0; index < 8; index++) await put(`src/module-${index}.ts`, `export const value${index} = ${index};\n`.repeat(40));
    await put('README.md', `# service ${service}\n`.repeat(30));
    await put('package.json', JSON.stringify({ name: `svc-${service}`, version: '1.0.0' }));
    await put('assets/logo.png', Buffer.alloc(2048, 7));
    for (let index = 0; index < 6; index++) await put(`node_modules/dep-${index}/index.js`, 'module.exports = 1;\n'.repeat(20));
  }
  return root;
}

/** The previous shape of the walk: async, one await per directory, stat and read, every file read. */
async function asyncWalkReadingEverything(root: string): Promise<number> {
  let bytes = 0;
  const pending = [root];
  while (pending.length > 0) {
    const directory = pending.pop()!;
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const absolute = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== '.git') pending.push(absolute);
      } else if (entry.isFile()) {
        if ((await stat(absolute)).size <= MAX_FILE_BYTES) bytes += (await readFile(absolute)).length;
      }
    }
  }
  return bytes;
}

console.log(`median of ${ROUNDS} rounds; ratios against a plain readFileSync of the candidate files (the floor)`);
let previous: { files: number; discovery: number } | undefined;
for (const files of SIZES) {
  const root = await syntheticRepository(files);
  try {
    const candidates = walkRepositorySync(root, { include: [], exclude: [], isCandidate: (file) => isCandidatePath(DISCOVERERS, file) }).files.map((file) => path.join(root, file));
    const floor = await median(() => {
      for (const file of candidates) readFileSync(file);
    });
    const walkAndRead = await median(() => {
      const walk = walkRepositorySync(root, { include: [], exclude: [], isCandidate: (file) => isCandidatePath(DISCOVERERS, file) });
      for (const file of walk.files) {
        const read = readFileBytes(path.join(root, file), MAX_FILE_BYTES);
        if (read.bytes) decodeText(read.bytes);
      }
    });
    const discovery = await median(() => discoverRepository(root));
    const before = await median(() => asyncWalkReadingEverything(root));
    const growth = previous ? `; discovery grew ${(discovery / previous.discovery).toFixed(2)}x for ${(files / previous.files).toFixed(0)}x files` : '';
    console.log(
      `${String(files).padStart(6)} files (${candidates.length} candidates): floor ${floor.toFixed(1)} ms; walk+read ${(walkAndRead / floor).toFixed(2)}x; discovery ${(discovery / floor).toFixed(2)}x (${discovery.toFixed(1)} ms); before ${(before / floor).toFixed(2)}x${growth}`,
    );
    previous = { files, discovery };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
