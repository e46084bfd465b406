/** The verification state of each image, as the image table in reports shows it. */
import type { ResolvedOccurrence } from '../model.js';

/** 'n/a': built in the repository itself; 'not required': no signature rule of the policy names the image. */
export type CheckState = 'yes' | 'no' | 'not checked' | 'n/a' | 'not required';

export interface ImageStatus {
  reference: string | null;
  raw: string;
  /** Locations where the image is referenced ("file:line"). */
  locations: string[];
  pinned: CheckState;
  digestVerified: CheckState;
  signatureVerified: CheckState;
  /** Who signed it and when, for people: "https://token.actions.githubusercontent.com: https://github.com/… (2026-01-02)". */
  signer?: string;
}

/** What makes an image distinct in the status rows: its reference, or its raw text when unresolved. */
const imageKey = (occurrence: ResolvedOccurrence): string => occurrence.reference ?? `raw:${occurrence.raw}`;

/** One row per distinct image (reference, or raw text when unresolved), in first-seen order. */
export function imageStatuses(occurrences: ResolvedOccurrence[]): ImageStatus[] {
  const rows = new Map<string, ImageStatus>();
  for (const occurrence of occurrences) {
    const key = imageKey(occurrence);
    const location = `${occurrence.file}:${occurrence.line}`;
    const existing = rows.get(key);
    if (existing) {
      existing.locations.push(location);
      continue;
    }
    rows.set(key, statusOf(occurrence, location));
  }
  return [...rows.values()];
}

/**
 * The rows of `imageStatuses` whose signature verified (with a signer), without a row for every
 * other image: a row is its first occurrence's, so only images first seen verified are listed,
 * and a run of 100,000 unsigned images builds none.
 */
export function signedImages(occurrences: ResolvedOccurrence[]): ImageStatus[] {
  const seen = new Set<string>();
  const signed = new Set<string>();
  const chosen: ResolvedOccurrence[] = [];
  for (const occurrence of occurrences) {
    const key = imageKey(occurrence);
    if (!seen.has(key)) {
      seen.add(key);
      if (!occurrence.local && occurrence.signature?.status === 'verified') signed.add(key);
    }
    if (signed.has(key)) chosen.push(occurrence);
  }
  return imageStatuses(chosen).filter((image) => image.signatureVerified === 'yes' && image.signer);
}

function statusOf(occurrence: ResolvedOccurrence, location: string): ImageStatus {
  const reference = occurrence.reference;
  const local = Boolean(occurrence.local);
  const pinned: CheckState = reference === null ? 'not checked' : local ? 'n/a' : reference.includes('@') ? 'yes' : 'no';
  let digestVerified: CheckState = 'not checked';
  const resolution = occurrence.resolution;
  if (local) digestVerified = 'n/a';
  else if (resolution?.status === 'ok') {
    digestVerified = reference?.includes('@') ? (resolution.pinnedDigestExists ? 'yes' : 'no') : resolution.tagDigest ? 'yes' : 'not checked';
  } else if (resolution?.status === 'not-found') digestVerified = 'no';
  let signatureVerified: CheckState = 'not checked';
  let signer: string | undefined;
  const signature = occurrence.signature;
  if (local) signatureVerified = 'n/a';
  else if (signature) {
    if (signature.status === 'verified') signatureVerified = 'yes';
    else if (signature.status === 'not-required') signatureVerified = 'not required';
    else if (signature.status !== 'not-checked') signatureVerified = 'no';
    const verified = signature.signatures.find((entry) => entry.verified && entry.identity);
    if (verified?.identity) {
      const who = verified.identity.subject
        ? `${verified.identity.subject} (${verified.identity.issuer ?? 'unknown issuer'})`
        : `key ${verified.identity.keyFingerprint ?? 'unknown'}`;
      signer = verified.signedAt ? `${who}, ${verified.signedAt}` : who;
    }
  }
  return { reference, raw: occurrence.raw, locations: [location], pinned, digestVerified, signatureVerified, signer };
}
