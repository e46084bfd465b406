// Fails when dist/ is not what `npm run build` produces from src/: rebuild, then compare with git.
import { execFileSync } from 'node:child_process';

execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
const changed = execFileSync('git', ['status', '--porcelain', '--', 'dist'], { encoding: 'utf8' }).trim();
if (changed) {
  console.error('dist/ is stale: run `npm run build` and commit dist/.\n' + changed);
  process.exit(1);
}
console.log('dist/ is up to date.');
