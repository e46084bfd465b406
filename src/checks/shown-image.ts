/** How a rule's message names an image. */
import type { Occurrence } from '../model.js';

/**
 * The image as a reviewer should read it: the text after substitution when it differs from what is
 * written (`postgres:16.4` for `postgres:${PG:-16.4}`, the evaluated Helm template instead of its
 * `{{ … }}` source); the position of the finding already shows what is written.
 */
export function shownImage(occurrence: Occurrence): string {
  return occurrence.resolved ?? occurrence.raw;
}
