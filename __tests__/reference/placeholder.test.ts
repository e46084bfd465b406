/**
 * Placeholders (text to be filled in) against grammar mistakes (text meant as an image and wrong),
 * one row per input, as distribution/reference's tables are written.
 */
import { describe, expect, it } from 'vitest';
import { correctionHint, findPlaceholders, normalizeForOccurrence } from '../../src/reference/index.js';

const PLACEHOLDERS: Array<[input: string, placeholders: string[]]> = [
  ['<YOUR-CONTAINER>', ['<YOUR-CONTAINER>']],
  ['<image>:<tag>', ['<image>', '<tag>']],
  ['gcr.io/<<PROJECT>>/app', ['<<PROJECT>>']],
  ['gcr.io/@REGISTRY_PROJECT@/app', ['@REGISTRY_PROJECT@']],
  ['@docker.image.prefix@/app', ['@docker.image.prefix@']],
  ['REGION-docker.pkg.dev/PROJECT_ID/repo/app', ['REGION', 'PROJECT_ID']],
  ['IMAGE_NAME', ['IMAGE_NAME']],
  ['IMAGE_NAME:1.0', ['IMAGE_NAME']],
  ['__IMAGE__', ['__IMAGE__']],
  ['registry/__APP_NAME__:__VERSION__', ['__APP_NAME__', '__VERSION__']],
  ['$VAR', ['$VAR']],
  ['$VAR:tag', ['$VAR']],
  ['${REGISTRY}/app', ['${REGISTRY}']],
  ['$(params.image)', ['$(params.image)']],
  ['${{ env.IMAGE }}', ['${{ env.IMAGE }}']],
  ['ghcr.io/acme/{{ .Values.name }}', ['{{ .Values.name }}']],
  ['#{Registry}#/app', ['#{Registry}']],
  ['docker.io/{username}/helloworld-go', ['{username}']],
  ['%IMAGE%', ['%IMAGE%']],
  ['apache/airflow:|version|', ['|version|']],
  ['((registry))/app', ['((registry))']],
  ['[[ .image ]]', ['[[ .image ]]']],
  // cloud-builders-community's docker-reuse builder replaces it with the image it built.
  ['[server-modules]', ['[server-modules]']],
  ['gcr.io/[PROJECT-ID]/app', ['[PROJECT-ID]']],
  // ko builds the image named by a Go import path and writes its reference there.
  ['ko://github.com/tektoncd/pipeline/cmd/controller', ['ko://github.com/tektoncd/pipeline/cmd/controller']],
  // No letter or digit: a stand-in where a schema wants a value (a GitLab template's `name: _`).
  ['_', ['_']],
  ['...', ['...']],
];

const MISTAKES: Array<[input: string, hint: RegExp | undefined]> = [
  [
    'spack/rockylinux8:sha256:c5305b5b4a6a6d7a8fa5bdb5d0f7a5d2a8ee1e0ee3f9c4a7d8b3ce1c1b0c1b2a',
    /a digest follows "@", not ":": write "spack\/rockylinux8@sha256:c5305b5b/,
  ],
  ['nginx@1.25', /a tag follows ":": write "nginx:1.25"/],
  ['https://ghcr.io/acme/app:1', /no URL scheme: write "ghcr.io\/acme\/app:1"/],
  ['docker://alpine:3.20', /no URL scheme: write "alpine:3.20"/],
  ['nginx:', /the tag after ":" is empty/],
  ['ghcr.io/MyOrg/App:1', /lower case: write "ghcr.io\/myorg\/app:1"/],
  ['nginx:1.25 --rm', /no spaces/],
  // Not placeholders: one letter between marks, a trailing separator, a second tag.
  ['a@b@c', undefined],
  ['my_app_', undefined],
  ['repo/app:1.0:beta', undefined],
  // A colon inside brackets is an IPv6 host, judged by the grammar.
  ['[::1]:5000/App', /lower case/],
  ['[]/app', undefined],
];

describe('placeholders', () => {
  it.each(PLACEHOLDERS)('%s is a placeholder', (input, placeholders) => {
    expect(findPlaceholders(input)).toEqual(placeholders);
    const result = normalizeForOccurrence(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.placeholders).toEqual(placeholders);
      expect(result.message).toContain(JSON.stringify(placeholders[0]));
    }
  });

  it.each(MISTAKES)('%s is a grammar mistake', (input, hint) => {
    const result = normalizeForOccurrence(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.placeholders).toBeUndefined();
    if (hint) expect(result.message).toMatch(hint);
    else expect(correctionHint(input)).toBeUndefined();
  });

  it('never looks at valid references (upper case is valid in tags and host names)', () => {
    for (const input of ['nginx:LATEST', 'Registry.Example.com/app:V1', 'ghcr.io/acme/app@sha256:' + 'a'.repeat(64)]) {
      expect(normalizeForOccurrence(input).ok, input).toBe(true);
    }
  });

  // A hint copies or scans the whole text, so a long variable named in 10,000 images cost minutes;
  // no fix of a text longer than any reference is short enough to be one.
  it('gives no hint for text longer than any reference, only its length', () => {
    const long = `https://Acme/${'a'.repeat(2_000)} --rm`;
    expect(normalizeForOccurrence(long)).toMatchObject({ message: `invalid reference format: ${long.length} characters is more than any reference can have (1024)` });
    expect(correctionHint(long)).toBeUndefined();
  });

  it('mixed case is a mistake to fix, not a placeholder', () => {
    expect(findPlaceholders('ghcr.io/MyOrg/app')).toEqual([]);
  });

  it('a "$" left after a Dockerfile\'s own expansion is literal: a mistake', () => {
    expect(findPlaceholders('${IMAGE}:1.25', { dollarExpanded: true })).toEqual([]);
    expect(findPlaceholders('app$IMAGE:1', { dollarExpanded: true })).toEqual([]);
    expect(findPlaceholders('<YOUR-IMAGE>', { dollarExpanded: true })).toEqual(['<YOUR-IMAGE>']);
  });

  // No time is asserted (a loaded machine makes any bound flaky): growth is measured by
  // `npm run bench:adversarial`, and every expression here runs on V8's linear engine (regex-audit).
  // A backtracking matcher would still hit the test's timeout on these inputs.
  it('classifies adversarial text', () => {
    const inputs = ['<'.repeat(1024), '@a'.repeat(512), '%a'.repeat(512), '_a'.repeat(512), '${'.repeat(512), 'A_'.repeat(512)];
    for (const input of inputs) expect(Array.isArray(findPlaceholders(input))).toBe(true);
  });
});
