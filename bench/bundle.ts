/**
 * The bench child as users run the scanner: bundled by esbuild as dist/cli.js is (scripts/build.mjs),
 * then run by plain Node. Running it through tsx instead measured the TypeScript loader too (about
 * 10% more CPU in discovery, and its memory). Bundled once per bench run, into the temp directory (removed at exit).
 */
import { buildSync } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let bundled: string | undefined;
let node = process.execPath;

/** The Node binary measured children run under: this one, or another (`--node`, e.g. Node 24, the action's runtime). */
export function childNode(): string {
  return node;
}

export function useChildNode(path: string): void {
  node = path;
}

/** The path of bench/child.ts bundled (the same esbuild options as the shipped bundles). */
export function childBundle(): string {
  if (bundled) return bundled;
  const directory = path.join(os.tmpdir(), 'verify-images-bench');
  mkdirSync(directory, { recursive: true });
  const outfile = path.join(directory, `child-${process.pid}.mjs`);
  buildSync({
    entryPoints: [fileURLToPath(new URL('./child.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    mainFields: ['module', 'main'],
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    define: { __VERIFY_IMAGES_VERSION__: JSON.stringify('bench') },
    banner: { js: "import { createRequire as __verifyImagesCreateRequire } from 'node:module'; const require = __verifyImagesCreateRequire(import.meta.url);" },
  });
  process.on('exit', () => rmSync(outfile, { force: true }));
  bundled = outfile;
  return outfile;
}
