/** The GitHub Action's entry point (bundled to dist/action.js): everything happens in `runAction`. */
import { runAction } from './github/run.js';

await runAction();
