// Bundles the action and the CLI into dist/ (committed; CI checks it is fresh).
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  // Prefer ESM builds: jsonc-parser's UMD build requires files by relative path at run time.
  mainFields: ['module', 'main'],
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __VERIFY_IMAGES_VERSION__: JSON.stringify(version) },
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __verifyImagesCreateRequire } from 'node:module'; const require = __verifyImagesCreateRequire(import.meta.url);",
  },
};

await build({ ...common, entryPoints: ['src/action.ts'], outfile: 'dist/action.js' });
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node\n' + common.banner.js },
});
