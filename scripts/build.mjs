// Bundles the action and the CLI into dist/ (committed; CI checks it is fresh), with the licence
// notices of every third-party package the bundles contain in dist/licenses.txt.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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
  metafile: true,
  define: { __VERIFY_IMAGES_VERSION__: JSON.stringify(version) },
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __verifyImagesCreateRequire } from 'node:module'; const require = __verifyImagesCreateRequire(import.meta.url);",
  },
};

const action = await build({ ...common, entryPoints: ['src/action.ts'], outfile: 'dist/action.js' });
const cli = await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node\n' + common.banner.js },
});

/** The package directory (node_modules/<name> or node_modules/@scope/<name>, innermost) of a bundled file. */
function packageDirectory(input) {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const length = parts[at + 1]?.startsWith('@') ? 3 : 2;
  return parts.slice(0, at + length).join('/');
}

const LICENSE_FILE = /^(licen[cs]e|copying|notice)(\.(md|txt|markdown))?$/i;

function licenceNotice(directory) {
  const manifest = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8'));
  const files = readdirSync(directory).filter((name) => LICENSE_FILE.test(name)).sort();
  const texts = files.map((name) => readFileSync(path.join(directory, name), 'utf8').trim());
  const licence = typeof manifest.license === 'string' ? manifest.license : (manifest.license?.type ?? 'see the package');
  const header = `${manifest.name}@${manifest.version} (${licence})${manifest.repository ? ` ${typeof manifest.repository === 'string' ? manifest.repository : manifest.repository.url}` : ''}`;
  return `${header}\n${'-'.repeat(Math.min(header.length, 100))}\n${texts.join('\n\n') || `No licence file in the package; its package.json names ${licence}.`}\n`;
}

const directories = new Set();
for (const result of [action, cli]) {
  for (const input of Object.keys(result.metafile.inputs)) {
    const directory = packageDirectory(input);
    if (directory && existsSync(path.join(directory, 'package.json'))) directories.add(directory);
  }
}
const notices = [...directories].map(licenceNotice).sort((a, b) => a.localeCompare(b));
writeFileSync(
  'dist/licenses.txt',
  `Third-party software bundled in dist/action.js and dist/cli.js of verify-images ${version}:\n` +
    `${notices.length} packages, each with its licence as published.\n\n` +
    notices.join('\n'),
);
