/**
 * One measurement in a fresh process, so its peak memory (maxRSS) is its own. Prints one JSON line.
 *
 *   floor <root>              plain synchronous read of the candidate files' bytes (listed untimed first;
 *                             only the files discovery would read, not every file of the repository)
 *   discover <root>           discovery of the repository
 *   count <root>              how many files the repository has (what the walk lists, candidates or not)
 *   scan100k <dir> [host] [signatures]
 *                             scan of Dockerfiles naming many distinct images, offline, or online
 *                             against the registry at host (plain HTTP), text report streamed; with
 *                             `signatures`, a signature rule covers every image (none is signed)
 * Run with --expose-gc, it also reports the heap still reachable at the end (after a full GC).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultPolicy } from '../src/config/load.js';
import type { Policy, SignatureRule } from '../src/config/policy.js';
import { DISCOVERERS, discoverRepository, isCandidatePath } from '../src/discover/index.js';
import { walkRepository } from '../src/discover/walk.js';
import { scan } from '../src/engine.js';
import { renderTextChunks } from '../src/report/text.js';

/** CPU time (user + system) since `since`, in ms: steadier than wall time on a shared machine. */
function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function report(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ ...fields, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

/** The floor: a plain read of exactly the files discovery reads (its candidates), listed untimed. */
async function floor(root: string): Promise<void> {
  const { files } = await walkRepository(root, { include: [], exclude: [], isCandidate: (file) => isCandidatePath(DISCOVERERS, file) });
  const cpu = process.cpuUsage();
  const start = performance.now();
  let bytes = 0;
  for (const file of files) bytes += readFileSync(path.join(root, file)).byteLength;
  report({ ms: performance.now() - start, cpuMs: cpuMsSince(cpu), files: files.length, bytes });
}

async function discover(root: string): Promise<void> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const discovery = await discoverRepository(root);
  report({ ms: performance.now() - start, cpuMs: cpuMsSince(cpu), occurrences: discovery.occurrences.length, errors: discovery.errors.length });
}

/** The default policy; with `signatures`, a keyless rule over every image of the registry at `host`. */
function benchPolicy(host: string | undefined, signatures: boolean): Policy {
  const policy = defaultPolicy();
  if (!signatures || !host) return policy;
  const rule: SignatureRule = {
    images: [`${host}/**`],
    keyless: { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github\\.com/team/.+$' },
    source: 'bench rule',
  };
  return { ...policy, signatures: { mode: 'require', rules: [rule] } };
}

/** Heap in use, and after a full GC when run with --expose-gc (what is still reachable at the end). */
function heapStats(): Record<string, number> {
  const before = process.memoryUsage();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return { heapUsedMb: Math.round(before.heapUsed / 1e6) };
  gc();
  const after = process.memoryUsage();
  const stats = { heapUsedMb: Math.round(before.heapUsed / 1e6), heapAfterGcMb: Math.round(after.heapUsed / 1e6), externalMb: Math.round(after.external / 1e6) };
  if (process.env.BENCH_HEAP) console.error(JSON.stringify(stats));
  return stats;
}

async function scan100k(dir: string, host: string | undefined, signatures: boolean): Promise<void> {
  const policy = benchPolicy(host, signatures);
  const start = performance.now();
  const result = await scan({ root: dir, policy, offline: host === undefined, insecureRegistries: host ? [host] : [], env: {} });
  // As the CLI writes it: chunk by chunk (here to nowhere, counting its length).
  let reportBytes = 0;
  for (const chunk of renderTextChunks(result)) reportBytes += chunk.length;
  const ms = performance.now() - start;
  const heap = heapStats();
  const resolved = result.occurrences.filter((o) => o.resolution?.status === 'ok').length;
  const unsigned = result.occurrences.filter((o) => o.signature?.status === 'unsigned').length;
  report({ ms, occurrences: result.occurrences.length, resolved, unsigned, reportBytes, ...heap });
}

const [mode, target, extra, signaturesFlag] = process.argv.slice(2);
if (mode === 'floor') await floor(target!);
else if (mode === 'discover') await discover(target!);
else if (mode === 'count') report({ ms: 0, files: (await walkRepository(target!, { include: [], exclude: [] })).files.length });
else if (mode === 'scan100k') await scan100k(target!, extra, signaturesFlag === 'signatures');
else throw new Error(`unknown mode ${mode}`);
