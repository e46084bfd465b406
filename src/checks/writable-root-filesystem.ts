/**
 * `writable-root-filesystem`: a Kubernetes container without `readOnlyRootFilesystem: true` lets
 * whatever runs in it change its own binaries (kube-linter no-read-only-root-fs). A note: many
 * images need a writable path, which an `emptyDir` mount gives them.
 */
import { draftAt } from './least-privilege.js';
import type { Check } from './types.js';

export const writableRootFilesystemCheck: Check = {
  rule: 'writable-root-filesystem',
  run(_occurrences, context) {
    return (context.containers ?? [])
      .filter((container) => container.kind === 'kubernetes' && container.role !== 'ephemeral' && container.readOnlyRootFilesystem?.value !== true)
      .map((container) =>
        draftAt(container, container.readOnlyRootFilesystem, `${container.name} can write to its root filesystem; set securityContext.readOnlyRootFilesystem: true`),
      );
  },
};
