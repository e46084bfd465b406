/**
 * Peak memory at many references: Dockerfiles naming `count` distinct images (10,000 per file,
 * under the per-file size limit), scanned offline, online against a fast in-process registry
 * (every tag exists), and online with a signature rule over every image (none is signed: each
 * lookup finds nothing), with the text report streamed. Each scan runs in a fresh process.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Measurement } from './discovery.js';
import { childBundle, childNode } from './bundle.js';
import { startFakeRegistry } from './fake-registry.js';

const PER_FILE = 10_000;

function writeDockerfiles(dir: string, host: string, count: number): void {
  for (let k = 0; k * PER_FILE < count; k++) {
    let text = '';
    for (let i = k * PER_FILE; i < Math.min(count, (k + 1) * PER_FILE); i++) text += `FROM ${host}/team/app${i}:1.${i % 50}\n`;
    mkdirSync(path.join(dir, `svc${k}`), { recursive: true });
    writeFileSync(path.join(dir, `svc${k}`, 'Dockerfile'), text);
  }
}

export interface MemoryRow {
  mode: 'offline' | 'online' | 'online, signature rule';
  references: number;
  ms: number;
  maxRssMb: number;
  /** Heap still reachable once the scan and its report are done (after a full GC). */
  heapAfterGcMb?: number;
  /** Requests the registry served. */
  requests?: number;
}

function row(mode: MemoryRow['mode'], references: number, measured: Measurement, requests?: number): MemoryRow {
  const result: MemoryRow = { mode, references, ms: measured.ms, maxRssMb: measured.maxRssMb };
  if (typeof measured.heapAfterGcMb === 'number') result.heapAfterGcMb = measured.heapAfterGcMb;
  if (requests !== undefined) result.requests = requests;
  return result;
}

export async function memoryBench(offlineCount: number, onlineCount: number): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  const offlineDir = path.join(os.tmpdir(), 'verify-images-bench', `memory-offline-${offlineCount}`);
  if (!existsSync(offlineDir)) writeDockerfiles(offlineDir, 'registry.example', offlineCount);
  rows.push(row('offline', offlineCount, await measureAsync(['scan100k', offlineDir])));
  if (onlineCount > 0) {
    const registry = await startFakeRegistry();
    // The registry host (a fresh port) is part of every reference: written per run.
    const onlineDir = path.join(os.tmpdir(), 'verify-images-bench', `memory-online-${onlineCount}-${process.pid}`);
    try {
      writeDockerfiles(onlineDir, registry.host, onlineCount);
      let served = registry.served();
      rows.push(row('online', onlineCount, await measureAsync(['scan100k', onlineDir, registry.host]), registry.served() - served));
      served = registry.served();
      rows.push(row('online, signature rule', onlineCount, await measureAsync(['scan100k', onlineDir, registry.host, 'signatures']), registry.served() - served));
    } finally {
      await registry.close();
      rmSync(onlineDir, { recursive: true, force: true });
    }
  }
  return rows;
}

/** Runs bench/child.ts (bundled) in a fresh process without blocking this one's event loop (it serves the registry). */
async function measureAsync(args: string[]): Promise<Measurement> {
  const { spawn } = await import('node:child_process');
  const child = spawn(childNode(), ['--expose-gc', childBundle(), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`bench child failed (${code})`);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Measurement;
}
