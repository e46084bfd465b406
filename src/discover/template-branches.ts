/**
 * The ways a Jinja template's `{% if %}` choices render: a project template (cookiecutter-django's
 * `.gitlab-ci.yml` and `.drone.yml`) writes `image: docker:25.0` under `{% if use_docker %}` and
 * `image: ghcr.io/astral-sh/uv:python3.14` under its `{% else %}`. Masked as one text, the same key
 * is written twice and YAML keeps the last: the first branch's image was never read. Each text here
 * keeps one branch of every choice (the first, the second, ...) and blanks the others, same length
 * and same line breaks, so positions are the template's.
 */
import { statementParts, templateTags } from './template-mask.js';

/** Texts made, at most: a choice with more branches has its later ones read with the last text. */
const MAX_VARIANTS = 4;
/** Choices one inside another followed; a deeper one keeps all its branches in every text. */
const MAX_DEPTH = 16;

/** One `{% if %}` ... `{% endif %}`: the ranges of its branches' bodies. */
interface Choice {
  branches: Array<[number, number]>;
}

/** The choices of the template that have more than one branch, or undefined when its tags do not nest. */
function choicesOf(text: string): Choice[] | undefined {
  const choices: Choice[] = [];
  const open: Array<{ branches: Array<[number, number]>; bodyStart: number }> = [];
  for (const tag of templateTags(text, 'jinja')) {
    if (tag.kind !== 'statement') continue;
    const word = statementParts(text, tag).keyword;
    if (word === 'if') {
      open.push({ branches: [], bodyStart: tag.end });
    } else if (word === 'elif' || word === 'else' || word === 'endif') {
      const current = open[open.length - 1];
      if (current === undefined) return undefined;
      current.branches.push([current.bodyStart, tag.start]);
      current.bodyStart = tag.end;
      if (word === 'endif') {
        open.pop();
        if (current.branches.length > 1 && open.length < MAX_DEPTH) choices.push({ branches: current.branches });
      }
    }
  }
  return open.length === 0 ? choices : undefined;
}

/**
 * The template's texts, one per branch index, each keeping that branch of every choice that has
 * it (the last branch of one that has fewer); undefined when no choice has two branches or the
 * tags do not nest (Jinja rejects such a template).
 */
export function jinjaBranchTexts(text: string): string[] | undefined {
  if (!text.includes('{%') || (!text.includes('else') && !text.includes('elif'))) return undefined;
  const choices = choicesOf(text);
  if (choices === undefined || choices.length === 0) return undefined;
  const variants = Math.min(MAX_VARIANTS, Math.max(...choices.map((choice) => choice.branches.length)));
  const texts: string[] = [];
  for (let variant = 0; variant < variants; variant++) {
    const output = text.split('');
    for (const { branches } of choices) {
      const kept = Math.min(variant, branches.length - 1);
      branches.forEach(([start, end], index) => {
        if (index === kept) return;
        for (let at = start; at < end; at++) if (output[at] !== '\n' && output[at] !== '\r') output[at] = ' ';
      });
    }
    texts.push(output.join(''));
  }
  return texts;
}
