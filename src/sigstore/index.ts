/** The sigstore stage's public surface: import sigstore things from here. */
export { verifySignatures, loadSignaturePolicy, checkImageSignatures, type SignatureStageOptions } from './check.js';
export { runVerifyBundle } from './conformance.js';
export { SigstoreError, SIGNER_MISMATCH_CODES, type SigstoreErrorCode } from './errors.js';
export {
  embeddedTrustedRoot,
  loadTrustedRoot,
  trustedRootFromFile,
  parseTrustedRoot,
  refreshTrustedRoot,
  buildTrustMaterial,
  parsePublicKey,
  publicKeyFromFile,
  keyFingerprint,
  type TrustSource,
} from './trust.js';
export {
  parseBundle,
  verifyBundle,
  verifyBundleSignature,
  assertSigner,
  type ArtifactInput,
  type BundlePolicy,
  type VerifiedBundle,
  type InTotoStatement,
} from './verify-bundle.js';
export { assertKeylessIdentity, type SignerIdentity } from './identity.js';
export { discoverSignatures, type SignatureCandidate, type SignatureRegistry } from './discover.js';
export { legacySignatureToBundle, legacyAttestationToBundle, legacyTag, COSIGN_ANNOTATIONS } from './legacy.js';
export { MAX_PLATFORM_MANIFESTS, platformSelects, selectPlatformManifests, worstStatus, type PlatformSelection } from './platforms.js';
export {
  authorityOfRule,
  groupsForImage,
  groupsOfRules,
  requiredPredicateTypes,
  type PolicyAuthority,
  type PolicyGroup,
  type PolicyRequirement,
  type PolicySigner,
} from './policy.js';
export { SIGNATURE_PRESETS, presetNames, expandPreset, type SignaturePreset } from '../config/presets.js';
export { parseClusterImagePolicies, readClusterImagePolicies, clusterImagePolicyToGroup, type ClusterImagePolicyProblem } from './cluster-image-policy.js';
