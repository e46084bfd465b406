/**
 * Text trimming in linear time. A pattern such as `/\/+$/` is not: V8 retries it from every
 * character of a run that does not end the text, so a value of 400,000 slashes followed by a letter
 * took 15 s. Repository files and registry answers are untrusted, so such trims are loops.
 */

/** The text without the copies of `char` (one UTF-16 unit) that end it. */
export function trimTrailing(text: string, char: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === char) end -= 1;
  return end === text.length ? text : text.slice(0, end);
}
