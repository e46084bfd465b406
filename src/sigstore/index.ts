/** The sigstore stage's public surface: import sigstore things from here. */
export { verifySignatures } from './check.js';
