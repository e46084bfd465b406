/**
 * Which lines of a pull request's file GitHub accepts review comments on: the right-hand side of
 * the diff hunks (added and context lines), parsed from the `patch` of the PR files API.
 */

const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

export interface DiffLines {
  /** Right-side lines inside hunks (added or context): where review comments may go. */
  commentable: Set<number>;
  /** Right-side lines the pull request added. */
  added: Set<number>;
  /** The text of each added line, to check that a scanned tree (a merge commit) still has it there. */
  addedText: Map<number, string>;
}

/** Parses a file's unified diff. An absent patch (binary, too large for GitHub) has no lines. */
export function diffLines(patch: string | undefined): DiffLines {
  const result: DiffLines = { commentable: new Set(), added: new Set(), addedText: new Map() };
  if (!patch) return result;
  let rightLine = 0;
  let inHunk = false;
  for (const line of patch.split('\n')) {
    const header = HUNK_HEADER.exec(line);
    if (header) {
      rightLine = Number(header[1]);
      inHunk = true;
    } else if (inHunk && line[0] === '+') {
      result.commentable.add(rightLine);
      result.addedText.set(rightLine, line.slice(1).replace(/\r$/, ''));
      result.added.add(rightLine++);
    } else if (inHunk && line[0] === ' ') {
      result.commentable.add(rightLine++);
    }
    // '-' lines exist only on the left; "\ No newline at end of file" on neither.
  }
  return result;
}
