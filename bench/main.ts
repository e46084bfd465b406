/**
 * `npm run bench`: discovery against a plain read, registry lookups against the round-trip floor
 * and skopeo, typosquat cost as the trusted list grows, and peak memory at many references.
 * Figures are printed, never asserted (tests have no timed assertions).
 *
 *   npm run bench                       default sizes (a few minutes on 2 cores)
 *   npm run bench -- --full             the sizes of the README table (1k/10k/50k files, N=10/100/1000, 100k online)
 *   npm run bench -- --only discovery,registry,typosquat,memory
 *   npm run bench -- --files 1k,10k --images 10,100 --online 20k --latency 50 --concurrency 16 --seed 42
 *   npm run bench -- --node /path/to/node24   measured children under another Node (the action runs on node24)
 *   npm run bench -- --only discovery --repo ../some-checkout,../another   discovery of real repositories
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { childNode, useChildNode } from './bundle.js';
import { discoveryBench, growthPer4x, repositoryBench } from './discovery.js';
import { memoryBench } from './memory.js';
import { registryBench } from './registry.js';
import { typosquatBench } from './typosquat.js';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    files: { type: 'string' },
    images: { type: 'string' },
    online: { type: 'string' },
    latency: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '16' },
    seed: { type: 'string', default: '42' },
    rounds: { type: 'string', default: '3' },
    node: { type: 'string' },
    repo: { type: 'string' },
  },
});
if (values.node) useChildNode(values.node);
console.log(`Measured processes run under Node ${execFileSync(childNode(), ['--version'], { encoding: 'utf8' }).trim()} (${childNode()})`);

/** "1k,10k,50k" -> [1000, 10000, 50000] */
function sizes(text: string): number[] {
  return text.split(',').map((part) => {
    const match = /^(\d+)(k?)$/i.exec(part.trim());
    if (!match) throw new Error(`not a size: ${part}`);
    return Number(match[1]) * (match[2] ? 1000 : 1);
  });
}

const full = values.full;
const only = new Set((values.only ?? 'discovery,registry,typosquat,memory').split(','));
const seed = Number(values.seed);
const fixed = (n: number, digits = 1) => n.toFixed(digits);

// With --repo only the repositories named are measured, unless --files asks for synthetic ones too.
if (only.has('discovery') && (!values.repo || values.files)) {
  const rows = discoveryBench(sizes(values.files ?? (full ? '1k,10k,50k' : '1k,10k')), seed, Number(values.rounds));
  console.log(`\nDiscovery vs a plain synchronous read of the same candidate files (seed ${seed}, median of ${values.rounds} fresh processes; 50k: one)`);
  console.log('(the floor reads only the files discovery reads; "CPU ratio" compares CPU time, steadier on a shared machine)');
  console.log('files    occurrences  floor ms  discovery ms  ratio   CPU ratio  floor RSS MB  discovery RSS MB  growth per 4x files');
  rows.forEach((row, index) => {
    const previous = rows[index - 1];
    const growth = previous ? fixed(growthPer4x({ files: previous.files, ms: previous.discoveryMs }, { files: row.files, ms: row.discoveryMs }), 2) : '';
    console.log(`${String(row.files).padEnd(9)}${String(row.occurrences).padEnd(13)}${fixed(row.floorMs).padEnd(10)}${fixed(row.discoveryMs).padEnd(14)}${fixed(row.ratio).padEnd(8)}${fixed(row.cpuRatio).padEnd(11)}${String(row.floorRssMb).padEnd(14)}${String(row.discoveryRssMb).padEnd(18)}${growth}`);
  });
}

if (only.has('discovery') && values.repo) {
  const rows = repositoryBench(values.repo.split(','), Number(values.rounds));
  console.log(`\nDiscovery of repositories on disk vs the same plain read (median of ${values.rounds})`);
  console.log('repository                                files    occurrences  floor ms  discovery ms  ratio   CPU ratio');
  for (const row of rows) {
    console.log(`${row.root.slice(-40).padEnd(42)}${String(row.files).padEnd(9)}${String(row.occurrences).padEnd(13)}${fixed(row.floorMs).padEnd(10)}${fixed(row.discoveryMs).padEnd(14)}${fixed(row.ratio).padEnd(8)}${fixed(row.cpuRatio)}`);
  }
}

if (only.has('registry')) {
  const latency = Number(values.latency);
  const concurrency = Number(values.concurrency);
  const result = await registryBench({ sizes: sizes(values.images ?? (full ? '10,100,1000' : '10,100')), latencyMs: latency, concurrency, skopeoUpTo: 100 });
  console.log(`\nRegistry: docker-registry behind a ${latency} ms/request proxy, concurrency ${concurrency} per registry; ideal = ceil(requests / concurrency) x measured RTT`);
  if (typeof result === 'string') console.log(result);
  else {
    console.log(`measured RTT (one request at a time): ${fixed(result.rttMs)} ms`);
    console.log('images  signatures  requests/image  wall ms   ideal ms  vs ideal  skopeo inspect ms  vs skopeo');
    for (const row of result.rows) {
      const skopeo = row.skopeoMs === undefined ? '' : `${fixed(row.skopeoMs).padEnd(19)}${fixed(row.wallMs / row.skopeoMs, 2)}x`;
      console.log(`${String(row.images).padEnd(8)}${(row.signatures ? 'yes' : 'no').padEnd(12)}${fixed(row.requestsPerImage, 2).padEnd(16)}${fixed(row.wallMs).padEnd(10)}${fixed(row.idealMs).padEnd(10)}${(fixed(row.wallMs / row.idealMs, 2) + 'x').padEnd(10)}${skopeo}`);
    }
  }
}

if (only.has('typosquat')) {
  const rows = typosquatBench([1_000, 10_000], 2_000, seed);
  console.log('\nTyposquat: every offline rule over 2,000 references, as the trusted list grows');
  console.log('trusted names  ms      ms per 1k trusted');
  for (const row of rows) console.log(`${String(row.trusted).padEnd(15)}${fixed(row.ms).padEnd(8)}${fixed(row.ms / (row.trusted / 1000), 2)}`);
  console.log(`growth for 10x names: ${fixed(rows[1]!.ms / rows[0]!.ms, 2)}x`);
}

if (only.has('memory')) {
  const online = sizes(values.online ?? (full ? '100k' : '20k'))[0]!;
  const rows = await memoryBench(100_000, online);
  console.log('\nPeak memory (maxRSS of a fresh process: discovery, resolve, signatures, checks, text report; heap still reachable at the end, after a full GC)');
  console.log('mode                    references  wall ms    peak RSS MB  heap after GC MB  requests');
  for (const row of rows) {
    console.log(`${row.mode.padEnd(24)}${String(row.references).padEnd(12)}${fixed(row.ms, 0).padEnd(11)}${String(row.maxRssMb).padEnd(13)}${String(row.heapAfterGcMb ?? '').padEnd(18)}${row.requests ?? ''}`);
  }
}
