/**
 * What each rule means, in one place: SARIF rule entries, Markdown help links and CLI output read
 * these. Texts are for a reviewer who has not read the docs.
 */
import type { RuleId, Severity } from '../model.js';

export interface RuleMetadata {
  id: RuleId;
  /** PascalCase name, as SARIF `reportingDescriptor.name`. */
  name: string;
  shortDescription: string;
  fullDescription: string;
  /** What to do about a finding. */
  help: string;
  defaultSeverity: Severity;
  /** The stage whose data the rule needs: offline rules run with `--offline`. */
  needs: 'offline' | 'registry' | 'signatures';
}

const rule = (metadata: RuleMetadata): RuleMetadata => metadata;

export const RULES: Record<RuleId, RuleMetadata> = {
  'invalid-reference': rule({
    id: 'invalid-reference',
    name: 'InvalidReference',
    shortDescription: 'Image reference is not valid',
    fullDescription:
      'The image text does not follow the image reference grammar (distribution/reference): for example upper-case letters in the repository, an empty path component, a malformed tag or digest.',
    help: 'Correct the image reference. Docker, containerd and Kubernetes will refuse to pull it as written.',
    defaultSeverity: 'error',
    needs: 'offline',
  }),
  'unresolved-reference': rule({
    id: 'unresolved-reference',
    name: 'UnresolvedReference',
    shortDescription: 'Image reference could not be resolved',
    fullDescription:
      'The image is built from a variable, template or expression whose value is not known from the repository (a build argument without default, a CI expression). The image was not checked.',
    help: 'Give the variable a default, set it under `build-args` in the policy file, or accept that this image is checked elsewhere.',
    defaultSeverity: 'note',
    needs: 'offline',
  }),
  typosquat: rule({
    id: 'typosquat',
    name: 'Typosquat',
    shortDescription: 'Image name imitates a trusted image',
    fullDescription:
      'The image is not trusted but its name is suspiciously close to a trusted image (a typo, transposed or look-alike characters, a squatted namespace or registry host). Attackers publish such names hoping for a typo.',
    help: 'Check the spelling against the image you meant. If the image is genuine, add it to `trusted.images` in the policy file.',
    defaultSeverity: 'error',
    needs: 'offline',
  }),
  impersonation: rule({
    id: 'impersonation',
    name: 'Impersonation',
    shortDescription: 'Official image name under an unknown namespace',
    fullDescription:
      'The image uses the exact name of a Docker Official Image under a namespace that is not trusted (for example `someone/ubuntu`). This is the most common form of malicious image on Docker Hub.',
    help: 'Use the official image (e.g. `ubuntu`), or add the namespace to `trusted.images` if you know and trust its publisher.',
    defaultSeverity: 'warning',
    needs: 'offline',
  }),
  unpinned: rule({
    id: 'unpinned',
    name: 'Unpinned',
    shortDescription: 'Image is not pinned by digest',
    fullDescription:
      'The image is referenced by tag only. A tag can be moved to different content at any time, so the build or deployment is not reproducible and can be changed by whoever controls the tag.',
    help: 'Pin the image by digest, keeping the tag for readability: `name:tag@sha256:…` (`verify-images pin --write` does this).',
    defaultSeverity: 'warning',
    needs: 'offline',
  }),
  'mutable-tag': rule({
    id: 'mutable-tag',
    name: 'MutableTag',
    shortDescription: 'Image uses `latest` or no tag',
    fullDescription: 'The image uses the `latest` tag or no tag at all, which always means whatever was pushed last.',
    help: 'Name a specific version tag, and pin its digest.',
    defaultSeverity: 'warning',
    needs: 'offline',
  }),
  'untrusted-registry': rule({
    id: 'untrusted-registry',
    name: 'UntrustedRegistry',
    shortDescription: 'Image comes from a registry outside the allowlist',
    fullDescription: 'The policy lists the registries images may come from, and this image comes from another one.',
    help: 'Use an image from an allowed registry, or add the registry to `registries.allow` in the policy file.',
    defaultSeverity: 'error',
    needs: 'offline',
  }),
  'image-not-found': rule({
    id: 'image-not-found',
    name: 'ImageNotFound',
    shortDescription: 'Image or tag does not exist',
    fullDescription:
      'The registry says the repository or tag does not exist. It may be a typo, a removed image, or a name an attacker could register and fill.',
    help: 'Correct the name or tag. A missing name is bait for squatters: do not leave it in the repository.',
    defaultSeverity: 'error',
    needs: 'registry',
  }),
  'digest-not-found': rule({
    id: 'digest-not-found',
    name: 'DigestNotFound',
    shortDescription: 'Pinned digest does not exist',
    fullDescription: 'The image is pinned to a digest that the repository does not contain.',
    help: 'Pin a digest that exists (`verify-images pin --write`), after checking why the pinned one is gone.',
    defaultSeverity: 'error',
    needs: 'registry',
  }),
  'digest-mismatch': rule({
    id: 'digest-mismatch',
    name: 'DigestMismatch',
    shortDescription: 'Tag no longer points to the pinned digest',
    fullDescription:
      'The reference names both a tag and a digest, and the tag now points to a different digest: the pin is stale, or the tag was moved.',
    help: 'Find out why the tag moved. If the new content is expected, update the pin; otherwise keep the old digest and drop or fix the tag.',
    defaultSeverity: 'warning',
    needs: 'registry',
  }),
  'registry-unreachable': rule({
    id: 'registry-unreachable',
    name: 'RegistryUnreachable',
    shortDescription: 'Registry could not be asked; image not verified',
    fullDescription:
      'The registry did not answer, refused the credentials, or rate-limited the request, so the image was not verified. It is reported as not checked, never as verified, and fails the check by default: a registry that stalls must not end in a pass. A registry of the machine or private network that runs the image (localhost, a single-label name such as registry:5000, a .local or .internal name, a private address) where nothing answers at all is a note: it exists only where the image runs.',
    help: 'Provide credentials for the registry, or re-run when it is reachable. To accept images that could not be verified, grade the rule down in the policy (`severity: {registry-unreachable: warning}`).',
    defaultSeverity: 'error',
    needs: 'registry',
  }),
  unsigned: rule({
    id: 'unsigned',
    name: 'Unsigned',
    shortDescription: 'No signature found',
    fullDescription: 'The signature policy requires a signature for this image, and none was found (neither a Sigstore bundle nor a cosign signature).',
    help: 'Use a signed image or sign it (e.g. `cosign sign`), or change the signature policy for it.',
    defaultSeverity: 'error',
    needs: 'signatures',
  }),
  'signature-invalid': rule({
    id: 'signature-invalid',
    name: 'SignatureInvalid',
    shortDescription: 'Signature fails verification',
    fullDescription: 'A signature exists for the image but does not verify: bad signature, untrusted certificate, missing or invalid transparency-log entry, or a signature made for another image.',
    help: 'Treat the image as untrusted until the signature is understood.',
    defaultSeverity: 'error',
    needs: 'signatures',
  }),
  'signer-mismatch': rule({
    id: 'signer-mismatch',
    name: 'SignerMismatch',
    shortDescription: 'Signed, but not by the identity the policy requires',
    fullDescription: 'The signature is valid, but the signer (certificate identity and issuer, or key) is not the one the policy requires for this image.',
    help: 'Check who signed the image. If the signer is legitimate, update the identity in the signature policy.',
    defaultSeverity: 'error',
    needs: 'signatures',
  }),
  'attestation-missing': rule({
    id: 'attestation-missing',
    name: 'AttestationMissing',
    shortDescription: 'Required attestation not found',
    fullDescription: 'The policy requires an attestation (e.g. SLSA provenance) for this image, and none of that predicate type was found.',
    help: 'Publish the attestation with the image (e.g. GitHub artifact attestations), or change the policy.',
    defaultSeverity: 'error',
    needs: 'signatures',
  }),
  'attestation-invalid': rule({
    id: 'attestation-invalid',
    name: 'AttestationInvalid',
    shortDescription: 'Attestation fails verification',
    fullDescription: 'An attestation of the required predicate type exists but does not verify, is for another image, or was not made by the required identity.',
    help: 'Treat the image as unproven until the attestation is understood.',
    defaultSeverity: 'error',
    needs: 'signatures',
  }),
  'signature-not-checked': rule({
    id: 'signature-not-checked',
    name: 'SignatureNotChecked',
    shortDescription: 'Signatures could not be checked; image not verified',
    fullDescription:
      'A signature rule covers the image, but its signatures or attestations could not be checked: the registry failed or timed out, the image could not be resolved to a digest, or the trusted root could not be used. Under `signatures.mode: require` this is an error, so a gate never passes an image it could not verify; under `warn` it is a note.',
    help: 'Re-run when the registry answers, provide credentials, or fix the trusted root. The message names the cause.',
    defaultSeverity: 'error',
    needs: 'signatures',
  }),
  'file-not-scanned': rule({
    id: 'file-not-scanned',
    name: 'FileNotScanned',
    shortDescription: 'A file that may name images could not be fully read',
    fullDescription:
      'A file of a kind verify-images reads (a Dockerfile, compose file, manifest, CI configuration, ...) or a directory could not be read in full: it is unreadable, over the size limit, not text (NUL bytes), or could not be parsed. Images in it were not checked, so the check fails instead of passing silently.',
    help: 'Make the file readable text (UTF-8, or UTF-16/32 with a byte-order mark) under the size limit and fix its syntax; or, if it holds no images, exclude it under `paths.exclude` or suppress the rule for it with an `ignore` entry.',
    defaultSeverity: 'error',
    needs: 'offline',
  }),
  'policy-loosened': rule({
    id: 'policy-loosened',
    name: 'PolicyLoosened',
    shortDescription: 'The pull request loosens the verify-images policy',
    fullDescription:
      'The pull request changes the policy file so that fewer or milder findings are reported: rules disabled or lowered, ignores or trusted names and registries added, pinning or signature modes relaxed.',
    help: 'Have the policy change reviewed on its own by the people who own the policy. On pull requests the base branch’s policy is used by default (input `policy-source`).',
    defaultSeverity: 'warning',
    needs: 'offline',
  }),
  'runs-as-root': rule({
    id: 'runs-as-root',
    name: 'RunsAsRoot',
    shortDescription: 'Container runs as root',
    fullDescription:
      'What the repository writes makes the container run as root: a Dockerfile whose final stage has no USER or ends with USER root, a Kubernetes container whose securityContext (or its pod\'s) sets neither runAsNonRoot: true nor a non-zero runAsUser, a compose service with user: root. A compromised process in it is root in the container, one kernel bug away from the host.',
    help: 'Run as a non-root user: `USER 10001` at the end of the Dockerfile, `securityContext: {runAsNonRoot: true, runAsUser: 10001}` in Kubernetes, `user: "10001"` in compose.',
    defaultSeverity: 'warning',
    needs: 'offline',
  }),
  privileged: rule({
    id: 'privileged',
    name: 'Privileged',
    shortDescription: 'Container is given the host',
    fullDescription:
      'A privileged container, privilege escalation, capabilities such as SYS_ADMIN, NET_ADMIN or ALL, the host\'s PID, IPC or network namespace, or a mount of a sensitive host path (/, /etc, /proc, the Docker socket) lets whatever runs in the container take over the node.',
    help: 'Remove the setting, or grant the one capability or path the workload needs; suppress the finding with a reason where it is deliberate (a node agent, a CNI plugin).',
    defaultSeverity: 'error',
    needs: 'offline',
  }),
  'no-resource-limits': rule({
    id: 'no-resource-limits',
    name: 'NoResourceLimits',
    shortDescription: 'Container has no CPU or memory limit',
    fullDescription:
      'A Kubernetes container without resources.limits, or a compose service without deploy.resources.limits (or mem_limit, cpus), can use all the CPU and memory of its host and starve everything else on it.',
    help: 'Set CPU and memory limits sized for the workload.',
    defaultSeverity: 'warning',
    needs: 'offline',
  }),
  'writable-root-filesystem': rule({
    id: 'writable-root-filesystem',
    name: 'WritableRootFilesystem',
    shortDescription: 'Container can write to its root filesystem',
    fullDescription:
      'A Kubernetes container without securityContext.readOnlyRootFilesystem: true lets an intruder change the binaries and configuration it runs.',
    help: 'Set `readOnlyRootFilesystem: true` and mount an `emptyDir` where the application must write.',
    defaultSeverity: 'note',
    needs: 'offline',
  }),
};

