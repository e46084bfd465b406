/**
 * Built-in signer presets for well-known publishers, so a policy can say `preset: chainguard`
 * instead of copying identities. Each value is the one the publisher documents for `cosign verify`;
 * the `documentedAt` field says where, so a change upstream can be checked.
 */
import type { SignatureRule } from './policy.js';

export interface SignaturePreset {
  name: string;
  description: string;
  /** Where the publisher documents the identity. */
  documentedAt: string;
  rules: Array<Omit<SignatureRule, 'source' | 'preset'>>;
}

export const SIGNATURE_PRESETS: Readonly<Record<string, SignaturePreset>> = {
  chainguard: {
    name: 'chainguard',
    description: 'Chainguard Images (cgr.dev/chainguard), signed keyless by their GitHub Actions release workflow',
    documentedAt: 'https://edu.chainguard.dev/chainguard/chainguard-images/how-to-use/verifying-chainguard-images-and-metadata-signatures-with-cosign/',
    rules: [
      {
        images: ['cgr.dev/chainguard/**'],
        keyless: {
          issuer: 'https://token.actions.githubusercontent.com',
          subject: 'https://github.com/chainguard-images/images/.github/workflows/release.yaml@refs/heads/main',
        },
      },
    ],
  },
  distroless: {
    name: 'distroless',
    description: 'Google distroless images (gcr.io/distroless), signed keyless by a Google service account',
    documentedAt: 'https://github.com/GoogleContainerTools/distroless#how-do-i-verify-distroless-images',
    rules: [
      {
        images: ['gcr.io/distroless/**'],
        keyless: { issuer: 'https://accounts.google.com', subject: 'keyless@distroless.iam.gserviceaccount.com' },
      },
    ],
  },
  kubernetes: {
    name: 'kubernetes',
    description: 'Kubernetes release images (registry.k8s.io), signed keyless by the release engineering promoter',
    documentedAt: 'https://kubernetes.io/docs/tasks/administer-cluster/verify-signed-artifacts/',
    rules: [
      {
        images: ['registry.k8s.io/**'],
        keyless: { issuer: 'https://accounts.google.com', subject: 'krel-trust@k8s-releng-prod.iam.gserviceaccount.com' },
      },
    ],
  },
};

export function presetNames(): string[] {
  return Object.keys(SIGNATURE_PRESETS);
}

/**
 * The rules a preset stands for. A rule that names a preset and images keeps its own images
 * (narrowing the preset); otherwise the preset's images apply. Undefined for an unknown name.
 */
export function expandPreset(rule: SignatureRule): SignatureRule[] | undefined {
  const preset = rule.preset ? SIGNATURE_PRESETS[rule.preset] : undefined;
  if (!preset) return undefined;
  const source = rule.source ?? `preset ${preset.name}`;
  return preset.rules.map((presetRule) => {
    const expanded: SignatureRule = { ...presetRule, source };
    if (rule.images.length > 0) expanded.images = [...rule.images];
    if (rule.transparencyLog) expanded.transparencyLog = rule.transparencyLog;
    if (rule.attestation) expanded.attestation = rule.attestation;
    return expanded;
  });
}
