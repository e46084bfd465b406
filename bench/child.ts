/**
 * One measurement in a fresh process, so its peak memory (maxRSS) is its own. Prints one JSON line.
 *
 *   floor <root>              plain synchronous read of the candidate files' bytes (listed untimed first;
 *                             only the files discovery would read, not every file of the repository)
 *   discover <root>           discovery of the repository
 *   scan100k <dir> [host]     scan of a Dockerfile with 100,000 distinct images, offline, or online
 *                             against the registry at host (plain HTTP), text report rendered
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultPolicy } from '../src/config/load.js';
import { DISCOVERERS, discoverRepository, isCandidatePath } from '../src/discover/index.js';
import { walkRepository } from '../src/discover/walk.js';
import { scan } from '../src/engine.js';
import { renderText } from '../src/report/text.js';

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

async function scan100k(dir: string, host: string | undefined): Promise<void> {
  const policy = defaultPolicy();
  const start = performance.now();
  const result = await scan({ root: dir, policy, offline: host === undefined, insecureRegistries: host ? [host] : [], env: {} });
  const text = renderText(result);
  if (process.env.BENCH_HEAP) {
    const before = process.memoryUsage();
    (globalThis as { gc?: () => void }).gc?.();
    const after = process.memoryUsage();
    console.error(JSON.stringify({ heapUsedMb: Math.round(before.heapUsed / 1e6), heapAfterGcMb: Math.round(after.heapUsed / 1e6), externalMb: Math.round(after.external / 1e6), arrayBuffersMb: Math.round(after.arrayBuffers / 1e6) }));
  }
  const resolved = result.occurrences.filter((o) => o.resolution?.status === 'ok').length;
  report({ ms: performance.now() - start, occurrences: result.occurrences.length, resolved, reportBytes: text.length });
}

const [mode, target, extra] = process.argv.slice(2);
if (mode === 'floor') await floor(target!);
else if (mode === 'discover') await discover(target!);
else if (mode === 'scan100k') await scan100k(target!, extra);
else throw new Error(`unknown mode ${mode}`);
