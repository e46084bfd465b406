import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/index.js';
import {
  buildTrustTargets,
  detectSquat,
  impersonationCheck,
  squatMessage,
  squatSuggestion,
  typosquatCheck,
  type TrustTargets,
} from '../../src/checks/typosquat.js';
import { areAdjacentKeys, foldLookAlikes, imitation, NameIndex } from '../../src/checks/typosquat-similarity.js';
import { defaultPolicy, parsePolicy } from '../../src/config/load.js';
import { DEFAULT_TRUSTED_IMAGES, DEFAULT_TRUSTED_REGISTRIES, OFFICIAL_IMAGES } from '../../src/config/trusted-defaults.js';
import { makeOccurrence } from '../../src/discover/occurrence.js';
import { LineIndex } from '../../src/discover/position.js';
import type { ResolvedOccurrence } from '../../src/model.js';
import { normalizeForOccurrence } from '../../src/reference/index.js';
import { evaluateBlindSet, evaluateHeldout, evaluateTable, halfOf, parseEvalTable, readEvalTable, readHeldoutTable } from '../../scripts/typosquat-eval-lib.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/typosquat');

const defaults = buildTrustTargets({ trustedImages: DEFAULT_TRUSTED_IMAGES, trustedRegistries: DEFAULT_TRUSTED_REGISTRIES });

function detect(image: string, targets: TrustTargets = defaults) {
  const normalized = normalizeForOccurrence(image);
  if (!normalized.ok) throw new Error(`${image}: ${normalized.message}`);
  return detectSquat(normalized.reference, targets);
}

/** The compose fixture's occurrences, located by their raw text as the compose discoverer reports them. */
function composeOccurrences(): ResolvedOccurrence[] {
  const file = 'docker-compose.yml';
  const text = readFileSync(path.join(fixtures, 'repo', file), 'utf8');
  const lines = new LineIndex(text);
  const occurrences: ResolvedOccurrence[] = [];
  const pattern = /^( +)image: (\S+)$/gm;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const offset = match.index + match[1].length + 'image: '.length;
    const previous = text.slice(0, match.index).split('\n').slice(-2, -1)[0] ?? '';
    occurrences.push(
      makeOccurrence({ file, kind: 'compose', lines, offset, raw: match[2], value: match[2], local: previous.includes('build:') }),
    );
  }
  return occurrences;
}

describe('imitation (how one name imitates another)', () => {
  it.each([
    ['ngnix', 'nginx', 'transposition'],
    ['rediss', 'redis', 'repeated-character'],
    ['pyton', 'python', 'dropped-character'],
    ['pythonz', 'python', 'extra-character'],
    ['nginc', 'nginx', 'adjacent-key'],
    ['rnysql', 'mysql', 'look-alike'],
    ['n0de', 'node', 'look-alike'],
    ['vvordpress', 'wordpress', 'look-alike'],
    ['postgras', 'postgres', 'substituted-character'],
    ['elastcsearh', 'elasticsearch', 'two-edits'],
    ['my_sql', 'mysql', 'separator'],
    ['rocket-chat', 'rocket.chat', 'separator'],
  ])('%s imitates %s by %s', (written, genuine, technique) => {
    expect(imitation(written, genuine)).toBe(technique);
  });

  it('is looser under library/, where nothing but an official image can exist', () => {
    expect(imitation('ubunto', 'ubuntu', 'library')).toBe('substituted-character');
    expect(imitation('ubunto', 'ubuntu', 'account')).toBeUndefined();
    // A real Docker Hub account beside `docker`: one changed letter on six is not evidence there.
    expect(imitation('dockur', 'docker')).toBeUndefined();
  });

  it.each([
    ['nodes', 'node', 'an extra letter is too weak evidence on a four-letter name'],
    ['nginy', 'nginx', 'y is not next to x, and five letters are too short for any substitution'],
    ['php', 'phc', 'three-letter names only count look-alikes'],
    ['centos7', 'centos', 'a version number appended is a sibling'],
    ['linuxserverio', 'linuxserver', 'an appended word is a different name, not two typos'],
    ['jenkinsxio', 'jenkinsci', 'a different ending is a different name, not two typos'],
    ['rocker', 'docker', 'a different first letter of an account is a different word'],
    ['mongo', 'mongo', 'a name never imitates itself'],
  ])('%s does not imitate %s (%s)', (written, genuine) => {
    expect(imitation(written, genuine)).toBeUndefined();
  });

  it('knows QWERTY neighbours and look-alike folds', () => {
    expect(areAdjacentKeys('x', 'c')).toBe(true);
    expect(areAdjacentKeys('q', 'a')).toBe(true);
    expect(areAdjacentKeys('q', 'p')).toBe(false);
    expect(foldLookAlikes('rnari4db')).toBe(foldLookAlikes('mariadb'));
  });

  it('indexes names so only close candidates are compared, and ranks the best technique first', () => {
    const index = new NameIndex(['nginx', 'mongo', 'mono', 'node']);
    expect(index.imitated('mongo')).toEqual([]);
    expect(index.imitated('ngnix')).toEqual([{ genuine: 'nginx', technique: 'transposition' }]);
    expect(index.imitated('completely-different-name')).toEqual([]);
  });
});

describe('detectSquat with the embedded defaults', () => {
  it('embeds every current and removed official image name', () => {
    const shared = (name: string) => readFileSync(path.join(fixtures, 'official-images', name), 'utf8').split('\n').filter(Boolean);
    expect(new Set(OFFICIAL_IMAGES)).toEqual(new Set([...shared('official-images.txt'), ...shared('official-images-removed.txt')]));
  });

  it.each([
    ['ngnix:1.25', 'typosquat', 'name', 'nginx'],
    ['bitnarni/redis', 'typosquat', 'namespace', 'bitnami'],
    ['libary/nginx', 'typosquat', 'namespace', 'library'],
    ['official/nginx', 'typosquat', 'namespace', 'library'],
    ['gchr.io/org/app', 'typosquat', 'host', 'ghcr.io'],
    ['qauy.io/org/app', 'typosquat', 'host', 'quay.io'],
    ['docker.i0/library/nginx', 'typosquat', 'host', 'docker.io'],
    ['docker.io.evil.com/nginx', 'typosquat', 'host', 'docker.io'],
    ['ghcr.io/acitons/runner', 'typosquat', 'namespace', 'actions'],
    ['gcr.io/distroles/static', 'typosquat', 'namespace', 'distroless'],
    ['public.ecr.aws/docker/library/ngnix', 'typosquat', 'name', 'nginx'],
    ['nginx-official', 'typosquat', 'name', 'nginx'],
    ['official-ubuntu', 'typosquat', 'name', 'ubuntu'],
    ['mongo-db', 'typosquat', 'name', 'mongo'],
    ['someone/nginx-official', 'typosquat', 'name', 'nginx'],
    ['vibersastra/ubuntu', 'impersonation', 'name', 'ubuntu'],
    ['pocsow/centos', 'impersonation', 'name', 'centos'],
  ])('%s is %s of the %s %s', (image, rule, part, genuine) => {
    expect(detect(image)).toMatchObject({ rule, part, genuine });
  });

  it.each([
    'mongo',
    'mono',
    'nginx',
    'scratch',
    'docker.io/library/redis:7',
    'bitnami/redis',
    'cimg/node:20.11',
    'ubuntu/nginx',
    'nginx/nginx-ingress',
    'nginxinc/nginx-unprivileged',
    'grafana/loki',
    'prom/prometheus',
    'nodered/node-red',
    'portainer/portainer-ce',
    'mcr.microsoft.com/dotnet/aspnet:8.0',
    'quay.io/centos7/postgresql-12-centos7',
    'myregistry.azurecr.io/team/app',
    'europe-west1-docker.pkg.dev/project/repo/app',
    'localhost:5000/app',
    'registry:5000/app',
    'docker.local/library/nginx',
    'gcr.io.internal/team/app',
    'ghcr.m.daocloud.io/org/app',
    'dockur/windows',
    'rocker/r-ver:4.3.2',
    'jenkinsxio/builder-go',
    'gcr.io/google_containers/pause:3.0',
    'quay.io/coreos/etcd:v3.5.6',
    'public.ecr.aws/nginx/nginx:latest',
    'myapp',
  ])('%s is not reported', (image) => {
    expect(detect(image)).toBeUndefined();
  });

  it('names the imitated image and the technique in the message, and fixes only the imitating part', () => {
    const match = detect('ngnix:1.25')!;
    expect(squatMessage(match)).toBe('`ngnix` looks like the official image `nginx` (two letters swapped).');
    expect(squatSuggestion('ngnix:1.25', match)).toBe('nginx:1.25');
    expect(squatSuggestion('docker.io/library/ngnix@sha256:' + 'a'.repeat(64), match)).toBe('docker.io/library/nginx@sha256:' + 'a'.repeat(64));

    const host = detect('gchr.io/org/app:1')!;
    expect(squatMessage(host)).toBe('The registry host `gchr.io` looks like the registry `ghcr.io` (two letters swapped).');
    expect(squatSuggestion('gchr.io/org/app:1', host)).toBe('ghcr.io/org/app:1');

    const namespace = detect('bitnarni/redis')!;
    expect(squatMessage(namespace)).toBe('The namespace `bitnarni` looks like the trusted publisher `bitnami` (look-alike characters: `rn` for `m`).');
    expect(squatSuggestion('bitnarni/redis:7', namespace)).toBe('bitnami/redis:7');

    expect(squatMessage(detect('mongo-db')!)).toBe('`mongo-db` looks like the official image `mongo` (the name wrapped in extra words: `db`).');
    expect(squatMessage(detect('vibersastra/ubuntu')!)).toBe(
      '`vibersastra/ubuntu` uses the name of the official image `ubuntu` under the Docker Hub namespace `vibersastra`, which is not a trusted publisher.',
    );
  });

  it('makes no suggestion when the fix is ambiguous or not a rename', () => {
    // Under someone else's namespace, dropping the bait word would still not give the official image.
    expect(squatSuggestion('someone/nginx-official', detect('someone/nginx-official')!)).toBeUndefined();
    expect(squatSuggestion('vibersastra/ubuntu', detect('vibersastra/ubuntu')!)).toBeUndefined();
    // The imitating part is not written literally (it came from a variable).
    expect(squatSuggestion('${IMAGE}', detect('ngnix')!)).toBeUndefined();
  });

  it('never throws on hostile input', () => {
    for (const input of ['', 'x'.repeat(5000), '/', '@', ':::', 'docker.io/', 'a/b/c/d/e/f/g']) {
      expect(() => detectSquat(input, defaults)).not.toThrow();
    }
  });
});

describe('policy targets and allow list', () => {
  const { policy } = parsePolicy(readFileSync(path.join(fixtures, 'repo/typosquat-policy.yml'), 'utf8'), {
    root: path.join(fixtures, 'repo'),
    label: 'typosquat-policy.yml',
  });
  const targets = buildTrustTargets({
    trustedImages: policy.trustedImages,
    trustedRegistries: policy.trustedRegistries,
    targets: policy.typosquat.targets,
    allow: policy.typosquat.allow,
  });

  it('protects the organisation\u2019s own namespace as a target', () => {
    expect(detect('ghcr.io/acme-corp/api', targets)).toBeUndefined();
    expect(detect('ghcr.io/acme-crop/api', targets)).toMatchObject({ rule: 'typosquat', part: 'namespace', genuine: 'acme-corp' });
    expect(detect('ghcr.io/acme-crop/api', defaults)).toBeUndefined();
  });

  it('protects the organisation\u2019s own registry host, with or without its port', () => {
    expect(detect('registry.acme-corp.com:5000/team/app:1', targets)).toBeUndefined();
    expect(detect('registry.acme-crop.com:5000/team/app:1', targets)).toMatchObject({ part: 'host', genuine: 'registry.acme-corp.com' });
    expect(squatSuggestion('registry.acme-crop.com:5000/team/app:1', detect('registry.acme-crop.com:5000/team/app:1', targets)!)).toBe(
      'registry.acme-corp.com:5000/team/app:1',
    );
  });

  it('never reports an allowed name', () => {
    expect(detect('gakeaws/nginx', defaults)).toMatchObject({ rule: 'impersonation' });
    expect(detect('gakeaws/nginx', targets)).toBeUndefined();
  });
});

describe('typosquat and impersonation checks on a compose file', () => {
  it('reports each squat once, under the right rule, with its position, message and fix', () => {
    const findings = runChecks(composeOccurrences(), defaultPolicy(), new Map(), { checks: [typosquatCheck, impersonationCheck] });
    expect(findings.map((finding) => [finding.line, finding.rule, finding.severity, finding.raw, finding.suggestion])).toEqual([
      [5, 'typosquat', 'error', 'ngnix:1.25-alpine', 'nginx:1.25-alpine'],
      [7, 'typosquat', 'error', 'bitnarni/redis:7.2', 'bitnami/redis:7.2'],
      [13, 'impersonation', 'warning', 'vibersastra/ubuntu:22.04', undefined],
      [15, 'typosquat', 'error', 'gchr.io/my-org/runner:2.311.0', 'ghcr.io/my-org/runner:2.311.0'],
      [
        19,
        'typosquat',
        'error',
        'docker.io/library/pyhton:3.12-slim@sha256:8f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b',
        'docker.io/library/python:3.12-slim@sha256:8f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b',
      ],
      [26, 'typosquat', 'error', 'official-ubuntu:latest', 'ubuntu:latest'],
    ]);
    expect(findings[0]).toMatchObject({ file: 'docker-compose.yml', column: 12, message: expect.stringContaining('official image `nginx`') });
  });

  it('takes a registry the policy allows by name as real, not as a look-alike', () => {
    const occurrence = makeOccurrence({ file: 'k8s.yaml', kind: 'kubernetes', lines: new LineIndex('qauy.io/team/app:1'), offset: 0, raw: 'qauy.io/team/app:1', value: 'qauy.io/team/app:1' });
    const policy = defaultPolicy();
    expect(runChecks([occurrence], policy, new Map(), { checks: [typosquatCheck] })).toHaveLength(1);
    policy.allowedRegistries = ['docker.io', 'qauy.io'];
    expect(runChecks([occurrence], policy, new Map(), { checks: [typosquatCheck] })).toEqual([]);
  });

  it('reports nothing when the policy turns typosquat detection off', () => {
    const policy = defaultPolicy();
    policy.typosquat.enabled = false;
    expect(runChecks(composeOccurrences(), policy, new Map(), { checks: [typosquatCheck, impersonationCheck] })).toEqual([]);
  });
});

describe('evaluation table (scripts/eval-typosquat.ts)', async () => {
  const cases = await readEvalTable();
  const tuning = await evaluateTable('tuning');
  const evaluation = await evaluateTable('evaluation');
  const fresh = await evaluateTable('evaluation', true);

  it('has labelled cases from named sources, dealt into two halves by the fixed seed', () => {
    expect(cases.length).toBeGreaterThanOrEqual(800);
    expect(cases.every((evalCase) => evalCase.source.length > 0)).toBe(true);
    expect(new Set(cases.map((evalCase) => evalCase.image)).size).toBe(cases.length);
    for (const report of [tuning, evaluation]) {
      expect(report.outcomes.every((outcome) => outcome.invalid === undefined)).toBe(true);
      expect(report.outcomes.filter((outcome) => outcome.expected === 'clean').length).toBeGreaterThanOrEqual(150);
      expect(report.outcomes.filter((outcome) => outcome.expected !== 'clean').length).toBeGreaterThanOrEqual(150);
    }
    expect(cases.filter((evalCase) => halfOf(evalCase.image) === 'evaluation').length).toBe(evaluation.cases);
  });

  // Floors just under the figures in the README (evaluation half: typosquat precision 100%,
  // recall 99.5%; no clean image reported as a typosquat). A regression in either direction fails.
  it('keeps the evaluation half at typosquat recall >= 97% with no clean image reported as a typosquat', () => {
    expect(evaluation.byRule.squat.recall).toBeGreaterThanOrEqual(0.99);
    expect(evaluation.byRule.squat.precision).toBe(1);
    expect(evaluation.outcomes.filter((outcome) => outcome.expected === 'clean' && outcome.predicted === 'squat')).toEqual([]);
    expect(fresh.byRule.squat.recall).toBeGreaterThanOrEqual(0.98);
    expect(tuning.byRule.squat.recall).toBeGreaterThanOrEqual(0.99);
    expect(tuning.byRule.squat.precision).toBe(1);
  });

  it('keeps impersonation recall, and warns only on personal images that reuse an official name', () => {
    // Copies of well-known images became typosquats (issue 14, brand squats), so the warning's
    // true positives are few and its precision as a ratio says little: its false alarms are
    // counted instead (3 and 6 measured, all personal images reusing an official name: the sixth,
    // `ghcr.io/fst777/redis`, since the warning covers ghcr.io and quay.io as it does Docker Hub).
    for (const [report, measured] of [[tuning, 3], [evaluation, 6]] as const) {
      expect(report.byRule.impersonation.recall).toBeGreaterThanOrEqual(0.95);
      expect(report.byRule.impersonation.falsePositives).toBeLessThanOrEqual(measured);
      expect(Object.keys(report.falsePositivesByKind).filter((kind) => kind !== 'official-name-reused')).toEqual([]);
      for (const kind of ['official', 'publisher', 'popular-image', 'private-registry', 'local-name', 'real-world']) {
        expect(report.falsePositivesByKind[kind] ?? 0, kind).toBe(0);
      }
    }
  });

  it('detects every technique on most of its cases', async () => {
    const whole = await evaluateTable();
    for (const [technique, entry] of Object.entries(whole.recallByTechnique)) {
      expect(entry.recall, technique).toBeGreaterThanOrEqual(0.8);
    }
  });
});

describe('held-out set (heldout.tsv, scored by scripts/eval-typosquat.ts)', async () => {
  const cases = await readHeldoutTable();
  const report = await evaluateHeldout();

  it('parses, with a source for every row, each image once and a valid reference', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(cases.every((heldoutCase) => heldoutCase.source.trim().length > 0 && heldoutCase.technique.length > 0)).toBe(true);
    expect(new Set(cases.map((heldoutCase) => heldoutCase.image)).size).toBe(cases.length);
    for (const verdict of ['squat', 'impersonation', 'clean'] as const) {
      expect(cases.some((heldoutCase) => heldoutCase.expected === verdict), verdict).toBe(true);
    }
    expect(report.cases).toBe(cases.length);
    expect(report.outcomes.filter((outcome) => outcome.invalid !== undefined)).toEqual([]);
  });

  it('names the held-out file when a row is broken', () => {
    expect(() => parseEvalTable('# header\nimage\texpected\ttechnique\tsource\nnginx\tclean\tofficial-image\n', 'heldout.tsv')).toThrow(
      /heldout\.tsv line 3/,
    );
  });
});

describe('held-out, second and third blind sets, after they were used for tuning (README)', async () => {
  const heldout = await evaluateHeldout();
  const blind2 = await evaluateBlindSet('blind2');
  const blind3 = await evaluateBlindSet('blind3');

  // Floors at the figures the README reports after issue 14's generalisation: both sets were seen
  // by then, so these guard against regressions, they do not measure generalisation.
  it('keeps their typosquat recall and reports no clean image of either', () => {
    expect(blind2.byRule.squat.recall).toBe(1);
    expect(blind2.byRule.impersonation.recall).toBe(1);
    expect(heldout.byRule.squat.recall).toBe(1);
    expect(heldout.byRule.impersonation.recall).toBeGreaterThanOrEqual(0.93);
    for (const report of [heldout, blind2]) {
      expect(report.outcomes.filter((outcome) => outcome.expected === 'clean' && outcome.predicted !== 'clean')).toEqual([]);
    }
  });

  // The third blind set was scored once at 96.1% typosquat recall, then its misses were fixed as
  // families (README, "After the third blind set"): a floor against regressions, not a measure.
  it('keeps the third blind set\u2019s recall and reports no clean image of it', () => {
    expect(blind3.byRule.squat.recall).toBe(1);
    expect(blind3.byRule.squat.precision).toBe(1);
    expect(blind3.byRule.impersonation.recall).toBe(1);
    expect(blind3.outcomes.filter((outcome) => outcome.expected === 'clean' && outcome.predicted !== 'clean')).toEqual([]);
  });

  // Scored once at 96.0%, then used for tuning (README, "After the fourth blind set"): a floor.
  it('keeps the fourth blind set’s recall and reports no clean image of it', async () => {
    const blind4 = await evaluateBlindSet('blind4');
    expect(blind4.byRule.squat.recall).toBeGreaterThanOrEqual(176 / 177);
    expect(blind4.byRule.squat.precision).toBe(1);
    expect(blind4.outcomes.filter((outcome) => outcome.expected === 'clean' && outcome.predicted !== 'clean')).toEqual([]);
  });

  // Scored once, untuned (README, "Fifth blind set"): a floor at that score, so a change that loses
  // what it caught or starts reporting its clean rows as typosquats fails; never tune on its rows.
  it('keeps the fifth blind set’s first score and reports no clean image of it', async () => {
    const blind5 = await evaluateBlindSet('blind5');
    expect(blind5.byRule.squat.recall).toBeGreaterThanOrEqual(146 / 149);
    expect(blind5.byRule.squat.precision).toBe(1);
    expect(blind5.outcomes.filter((outcome) => outcome.expected === 'clean' && outcome.predicted !== 'clean')).toEqual([]);
  });
});

describe('a finding per value of a substitution', () => {
  it('names the value it is about: a matrix of two tags of one name, run at one place (tailscale installer.yml)', async () => {
    const { discoverRepository } = await import('../../src/discover/index.js');
    const discovery = await discoverRepository(path.join(fixtures, 'matrix'));
    const findings = runChecks(discovery.occurrences, defaultPolicy(), discovery.sources).filter((finding) => finding.rule === 'impersonation');
    expect(findings.map((finding) => [finding.line, finding.column, finding.message.slice(finding.message.indexOf('publisher.'))])).toEqual([
      [18, 14, 'publisher. Here it is elementary/docker:stable.'],
      [18, 14, 'publisher. Here it is elementary/docker:unstable.'],
    ]);
  });
});
