/**
 * Peak memory at many references: Dockerfiles naming `count` distinct images (10,000 per file,
 * under the per-file size limit), scanned offline, and online against a fast in-process registry
 * (every tag exists), with the text report rendered. Each scan runs in a fresh process.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measure, type Measurement } from './discovery.js';
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
  mode: 'offline' | 'online';
  references: number;
  ms: number;
  maxRssMb: number;
}

export async function memoryBench(offlineCount: number, onlineCount: number): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  const offlineDir = path.join(os.tmpdir(), 'verify-images-bench', `memory-offline-${offlineCount}`);
  if (!existsSync(offlineDir)) writeDockerfiles(offlineDir, 'registry.example', offlineCount);
  const offline: Measurement = measure(['scan100k', offlineDir]);
  rows.push({ mode: 'offline', references: offlineCount, ms: offline.ms, maxRssMb: offline.maxRssMb });
  if (onlineCount > 0) {
    const registry = await startFakeRegistry();
    try {
      // The registry host (a fresh port) is part of every reference: written per run.
      const onlineDir = path.join(os.tmpdir(), 'verify-images-bench', `memory-online-${onlineCount}-${process.pid}`);
      writeDockerfiles(onlineDir, registry.host, onlineCount);
      const online = await measureAsync(['scan100k', onlineDir, registry.host]);
      rows.push({ mode: 'online', references: onlineCount, ms: online.ms, maxRssMb: online.maxRssMb });
    } finally {
      await registry.close();
    }
  }
  return rows;
}

/** As `measure`, without blocking this process's event loop (it serves the registry). */
async function measureAsync(args: string[]): Promise<Measurement> {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./child.ts', import.meta.url)), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`bench child failed (${code})`);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Measurement;
}
