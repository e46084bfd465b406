/**
 * Discovery against its floor: a plain synchronous read (readFileSync in a loop) of the same
 * candidate files, listed untimed first. Each measurement runs in a fresh process (bench/child.ts, bundled),
 * so its peak memory is its own; the median of `rounds` is kept.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childBundle, childNode } from './bundle.js';
import { writeSyntheticRepo } from './synthetic.js';

export interface Measurement {
  ms: number;
  /** CPU time (user + system): the figure to compare on a machine other processes share. */
  cpuMs?: number;
  maxRssMb: number;
  [key: string]: unknown;
}

/** Runs bench/child.ts (bundled, as users run the scanner) in a fresh Node process and returns what it printed. */
export function measure(args: string[], nodeFlags: string[] = []): Measurement {
  const out = execFileSync(childNode(), [...nodeFlags, childBundle(), ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const line = out.trim().split('\n').pop() ?? '{}';
  return JSON.parse(line) as Measurement;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The repository for a size and seed, written once under the system temp directory and reused. */
export function syntheticRepo(files: number, seed: number): string {
  const root = path.join(os.tmpdir(), 'verify-images-bench', `repo-${files}-${seed}`);
  const done = path.join(root, '.complete');
  if (!existsSync(done)) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    writeSyntheticRepo(root, files, seed);
    execFileSync('touch', [done]);
  }
  return root;
}

export interface DiscoveryRow {
  files: number;
  floorMs: number;
  discoveryMs: number;
  ratio: number;
  /** The same ratio in CPU time. */
  cpuRatio: number;
  floorRssMb: number;
  discoveryRssMb: number;
  occurrences: number;
}

export function discoveryBench(sizes: number[], seed: number, rounds: number): DiscoveryRow[] {
  return sizes.map((files) => measureDiscovery(syntheticRepo(files, seed), files, files >= 50_000 ? 1 : rounds));
}

/** The same measurement of a directory on disk (`--repo`): a real repository checked out beside the bench. */
export function repositoryBench(roots: string[], rounds: number): Array<DiscoveryRow & { root: string }> {
  return roots.map((root) => ({ root, ...measureDiscovery(root, Number(measure(['count', root]).files), rounds) }));
}

function measureDiscovery(root: string, files: number, rounds: number): DiscoveryRow {
  measure(['floor', root]); // warm the page cache, untimed
  const floors: Measurement[] = [];
  const discoveries: Measurement[] = [];
  for (let round = 0; round < rounds; round++) {
    floors.push(measure(['floor', root]));
    discoveries.push(measure(['discover', root]));
  }
  const floorMs = median(floors.map((m) => m.ms));
  const discoveryMs = median(discoveries.map((m) => m.ms));
  return {
      files,
      floorMs,
      discoveryMs,
      ratio: discoveryMs / floorMs,
      cpuRatio: median(discoveries.map((m) => m.cpuMs ?? Number.NaN)) / median(floors.map((m) => m.cpuMs ?? Number.NaN)),
      floorRssMb: Math.max(...floors.map((m) => m.maxRssMb)),
      discoveryRssMb: Math.max(...discoveries.map((m) => m.maxRssMb)),
      occurrences: Number(discoveries[0]!.occurrences),
  };
}

/** How time grows per 4x files between two sizes: 4.0 is linear. */
export function growthPer4x(a: { files: number; ms: number }, b: { files: number; ms: number }): number {
  return (b.ms / a.ms) ** (Math.log(4) / Math.log(b.files / a.files));
}
