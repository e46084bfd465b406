import { describe, expect, it } from 'vitest';
import { composeDiscoverer, interpolateCompose, parseDotenv } from '../../src/discover/compose.js';
import { expectRawAtPositions, extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('compose discoverer', () => {
  it('matches compose file names only', () => {
    for (const path of ['compose.yaml', 'a/compose.yml', 'docker-compose.yml', 'docker-compose.prod.yaml', 'compose.override.yml', 'deploy/app.compose.yaml']) {
      expect(composeDiscoverer.matches(path, ''), path).toBe(true);
    }
    for (const path of ['composer.json', 'compose.json', 'my-docker-compose-notes.md', 'compose/values.yaml']) {
      expect(composeDiscoverer.matches(path, ''), path).toBe(false);
    }
  });

  it('resolves every interpolation form from the .env beside the file', async () => {
    const { occurrences, errors } = await extractFixture(composeDiscoverer, 'compose', 'app/compose.yaml');
    expect(errors).toEqual([]);
    const byService = Object.fromEntries(occurrences.map((occurrence) => [occurrence.context, occurrence]));
    expect(Object.keys(byService)).toEqual([
      'services.backend.image',
      'services.db.image',
      'services.cache.image',
      'services.proxy.image',
      'services.worker.image',
      'services.search.image',
      'services.metrics.image',
      'services.exporter.image',
      'services.cost.image',
      'services.legacy.image',
      'services.quoted.image',
    ]);
    expect(summary([byService['services.backend.image']])).toEqual([
      {
        context: 'services.backend.image',
        raw: '${REGISTRY}/example/backend:${TAG}',
        resolved: 'ghcr.io/example/backend:1.4.2',
        reference: 'ghcr.io/example/backend:1.4.2',
        local: true,
        note: 'built here from `build:`; compose tags the result with this name',
      },
    ]);
    expect(byService['services.db.image']).toMatchObject({ line: 21, column: 12, raw: 'mariadb:10.6.4-focal', reference: 'docker.io/library/mariadb:10.6.4-focal' });
    expect(byService['services.db.image'].resolved).toBeUndefined();
    expect(byService['services.db.image'].local).toBeUndefined();
    // `:-` applies when unset: REDIS_TAG is nowhere.
    expect(byService['services.cache.image']).toMatchObject({ line: 4, column: 11, raw: 'redis:${REDIS_TAG:-7.2-alpine}', resolved: 'redis:7.2-alpine' });
    // `-` does not apply to a variable set to the empty string.
    expect(byService['services.proxy.image']).toMatchObject({ raw: 'nginx:${NGINX_TAG-1.25}', resolved: 'nginx:', reference: null, problem: { kind: 'invalid' } });
    // A single-quoted .env value is literal and interpolation does not run twice.
    expect(byService['services.worker.image']).toMatchObject({ raw: '$WORKER_IMAGE', resolved: 'example/worker:${NOT_INTERPOLATED}', reference: null });
    expect(byService['services.search.image']).toMatchObject({ resolved: 'elasticsearch:8.11.1', reference: 'docker.io/library/elasticsearch:8.11.1' });
    expect(byService['services.metrics.image']).toMatchObject({ resolved: 'prom/prometheus:v2.48.0' });
    expect(byService['services.exporter.image']).toMatchObject({ resolved: 'prom/node-exporter' });
    expect(byService['services.cost.image']).toMatchObject({ raw: 'ghcr.io/example/price$$:1', resolved: 'ghcr.io/example/price$:1', reference: null });
    expect(byService['services.legacy.image']).toMatchObject({ raw: '${UNSET_IMAGE}', reference: null, problem: { kind: 'unresolved', message: 'variable UNSET_IMAGE is not set' } });
    expect(byService['services.quoted.image']).toMatchObject({ line: 50, column: 13, resolved: 'postgres:16-alpine' });
  });

  it('reports a merged anchor once, at the anchor', async () => {
    const { occurrences } = await extractFixture(composeDiscoverer, 'compose', 'app/compose.yaml');
    const redis = occurrences.filter((occurrence) => occurrence.raw.startsWith('redis:'));
    expect(redis).toHaveLength(1);
  });

  it('reads the .env of the compose file directory, and without one unset variables are unresolved', async () => {
    const file = fixture('compose', 'noenv/docker-compose.prod.yml');
    const context = fixtureContext('compose');
    const { occurrences } = await composeDiscoverer.extract(file, context);
    expect(context.reads).toEqual(['noenv/.env']);
    expect(summary(occurrences)).toEqual([
      {
        context: 'services.web.image',
        raw: 'example/web:${TAG}',
        reference: null,
        problem: 'variable TAG is not set',
        local: true,
        note: 'built here from `build:`; compose tags the result with this name',
      },
      { context: 'services.db.image', raw: 'postgres:${POSTGRES_VERSION:-16.1}', resolved: 'postgres:16.1', reference: 'docker.io/library/postgres:16.1' },
      { context: 'services.api.image', raw: 'example/api:${API_TAG:?API_TAG must be set}', reference: null, problem: 'required variable API_TAG is not set or empty: API_TAG must be set' },
    ]);
  });

  it('bounds .env values that double on every line', async () => {
    const { occurrences } = await extractFixture(composeDiscoverer, 'compose', 'hostile/compose.yaml');
    expect(summary(occurrences)).toEqual([
      {
        context: 'services.big.image',
        raw: 'example/app:${A59}',
        reference: null,
        problem: expect.stringMatching(/^interpolation makes the text longer than 8192 characters/),
      },
      { context: 'services.ok.image', raw: 'example/app:${A3}', resolved: `example/app:${'0123456789'.repeat(8)}`, reference: `docker.io/example/app:${'0123456789'.repeat(8)}` },
    ]);
  });

  it('reports docker-image:// additional build contexts, in map and list form, and no other context', async () => {
    const { occurrences, errors } = await extractFixture(composeDiscoverer, 'compose', 'build-contexts/compose.yaml');
    expect(errors).toEqual([]);
    const note = 'an additional build context BuildKit pulls as an image';
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.context, o.raw, o.reference])).toEqual([
      ['11:32', 'services.app.build.additional_contexts.alpine', 'alpine:${ALPINE_TAG}', 'docker.io/library/alpine:3.18'],
      [
        '16:33',
        'services.app.build.additional_contexts.quoted',
        'docker.io/library/golang:1.22@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        'docker.io/library/golang:1.22@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      ],
      ['21:33', 'services.worker.build.additional_contexts.debian', 'debian:bookworm-slim', 'docker.io/library/debian:bookworm-slim'],
      ['23:12', 'services.worker.image', 'example/worker:1.0', 'docker.io/example/worker:1.0'],
      // Written once in the anchor, merged into one service's build.
      ['4:27', 'services.merged.build.additional_contexts.tools', 'ghcr.io/example/tools:1.2', 'ghcr.io/example/tools:1.2'],
      ['29:12', 'services.base.image', 'busybox:1.36', 'docker.io/library/busybox:1.36'],
    ]);
    expect(occurrences.filter((o) => o.context?.includes('additional_contexts')).every((o) => o.note === note && o.local === undefined)).toBe(true);
  });

  it('throws for a file that cannot be parsed', async () => {
    await expect(composeDiscoverer.extract(fixture('compose', 'broken/compose.yml'), fixtureContext('compose'))).rejects.toThrow(/invalid YAML/);
  });
});

describe('compose interpolation', () => {
  const variables = new Map<string, string>([['SET', 'value'], ['EMPTY', '']]);
  const lookup = (name: string) => variables.get(name);
  it.each([
    ['plain', 'plain'],
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['a$$b', 'a$b'],
    ['cost$', 'cost$'],
    ['${EMPTY:-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${UNSET-d}', 'd'],
    ['${UNSET:-${SET}}', 'value'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${SET:?never}', 'value'],
    ['${EMPTY?fine}', ''],
  ])('%s -> %s', (text, expected) => {
    expect(interpolateCompose(text, lookup)).toEqual({ ok: true, value: expected });
  });
  it.each([
    ['${UNSET}', 'variable UNSET is not set'],
    ['$UNSET', 'variable UNSET is not set'],
    ['${EMPTY:?must}', 'required variable EMPTY is not set or empty: must'],
    ['${UNSET?}', 'required variable UNSET is not set'],
    ['${SET', 'invalid interpolation format in "${SET": unclosed "${"'],
    ['${1X}', 'invalid interpolation format: "${1X}"'],
  ])('%s fails: %s', (text, message) => {
    expect(interpolateCompose(text, lookup)).toEqual({ ok: false, message });
  });
});

describe('dotenv', () => {
  it('parses quotes, comments, export and references to earlier lines', () => {
    const variables = parseDotenv(fixture('compose', 'app/.env').text);
    expect(Object.fromEntries(variables)).toEqual({
      REGISTRY: 'ghcr.io',
      TAG: '1.4.2',
      NGINX_TAG: '',
      WORKER_IMAGE: 'example/worker:${NOT_INTERPOLATED}',
      ES_TAG: '8.11.1',
      PROM_SUFFIX: 'v2.48.0',
      IMAGE_BASE: 'ghcr.io/example',
      FROM_SHELL: { unresolved: 'variable HOME is not set (needed by FROM_SHELL in .env)' },
    });
  });
  it('handles double-quoted escapes and multi-line values', () => {
    const variables = parseDotenv('A="x\\"y"\nB="line1\nline2"\nC=after\n');
    expect(Object.fromEntries(variables)).toEqual({ A: 'x"y', B: 'line1\nline2', C: 'after' });
  });
  it('ends an unquoted value at a # that starts it or follows a blank, in one pass over the line', () => {
    expect(Object.fromEntries(parseDotenv('A=nginx:1.27 # pinned\nB=#all comment\nC=a#b\nD=x\t#tab\n'))).toEqual({ A: 'nginx:1.27', B: '', C: 'a#b', D: 'x' });
    // A line of ` #` pairs ending in a line separator made /(^|\s)#.*$/ rescan it from every pair: seconds at the size bound.
    const hostile = parseDotenv(`A=v${' #'.repeat(120_000)}\u2028x\n`);
    expect(hostile.get('A')).toBe('v');
  });
});

describe('a .env over the size bound', () => {
  const context = (files: Record<string, string>) => ({ buildArgs: {}, readFile: (path: string) => Promise.resolve(files[path]), listFiles: () => Promise.resolve(Object.keys(files)) });
  const big = `TAG=1.27\n${'# padding\n'.repeat(30_000)}`;
  it('is a part not read when the compose file uses variables, since they would read as not set', async () => {
    const compose = { path: 'app/compose.yaml', text: 'services:\n  web:\n    image: nginx:${TAG}\n' };
    const extraction = await composeDiscoverer.extract(compose, context({ 'app/.env': big }));
    expect(extraction.errors).toEqual(['app/.env is over 256 KiB and was not read, so the variables this file uses from it are unknown']);
  });
  it('changes nothing for a compose file without variables', async () => {
    const compose = { path: 'compose.yaml', text: 'services:\n  web:\n    image: nginx:1.27\n' };
    expect((await composeDiscoverer.extract(compose, context({ '.env': big }))).errors ?? []).toEqual([]);
  });
});

describe('compose files under other names and layouts', () => {
  it('matches docker-stack files by name, and any YAML with top-level services by content', () => {
    for (const path of ['docker-stack.yml', 'deploy/docker-stack.prod.yaml']) expect(composeDiscoverer.matches(path, ''), path).toBe(true);
    expect(composeDiscoverer.matches('stack.yml', '')).toBe(false);
    const matchesContent = composeDiscoverer.matchesContent!;
    expect(matchesContent('content/stack.yml', fixture('compose', 'content/stack.yml').text)).toBe(true);
    expect(matchesContent('content/monitoring.yaml', fixture('compose', 'content/monitoring.yaml').text)).toBe(true);
    // Haskell's stack.yaml, a README: no services.
    expect(matchesContent('stack.yaml', 'resolver: lts-22.0\npackages:\n  - .\n')).toBe(false);
    expect(matchesContent('README.md', 'services:\n  web:\n    image: nginx\n')).toBe(false);
  });

  it('reads a docker-stack.yml', async () => {
    const { occurrences } = await extractFixture(composeDiscoverer, 'compose', 'stack/docker-stack.yml');
    expect(occurrences.map((o) => [o.line, o.column, o.context, o.reference])).toEqual([
      [4, 12, 'services.db.image', 'docker.io/library/postgres:11.1'],
      [12, 12, 'services.web.image', 'c1c7c.azurecr.io/c1c7c/myapp:v1'],
    ]);
  });

  it('reads a compose file recognised by content', async () => {
    const file = fixture('compose', 'content/stack.yml');
    const { occurrences, errors } = await composeDiscoverer.extract(file, fixtureContext('compose'));
    expect(errors).toEqual([]);
    expectRawAtPositions(file, occurrences);
    expect(occurrences.map((o) => [o.line, o.column, o.context, o.reference])).toEqual([
      [6, 13, 'services.traefik.image', 'docker.io/library/traefik:v2.11'],
      [16, 12, 'services.whoami.image', 'docker.io/traefik/whoami:v1.10'],
    ]);
  });

  it('finds nothing in a services list that is not compose', async () => {
    const { occurrences } = await composeDiscoverer.extract(fixture('compose', 'content/not-compose.yml'), fixtureContext('compose'));
    expect(occurrences).toEqual([]);
  });

  it('reads a version 1 file: services at the top level', async () => {
    const { occurrences } = await extractFixture(composeDiscoverer, 'compose', 'v1/docker-compose.yml');
    expect(occurrences.map((o) => [o.line, o.column, o.context, o.reference])).toEqual([
      [9, 10, 'db.image', 'docker.io/library/postgres:9.6'],
      [11, 11, 'worker.image', 'docker.io/example/worker:2.3'],
    ]);
  });

  it('follows extends: into a fragment file, positioned where the image is written there', async () => {
    const { occurrences, errors } = await extractFixture(composeDiscoverer, 'compose', 'extends/docker-compose.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [o.file, o.line, o.column, o.context, o.resolved ?? o.raw, o.reference])).toEqual([
      ['extends/base/common-services.yml', 3, 10, 'services.web.image', 'example/webapp:2.0', 'docker.io/example/webapp:2.0'],
      ['extends/base/common-services.yml', 12, 10, 'services.queue.image', 'rabbitmq:3.13-management', 'docker.io/library/rabbitmq:3.13-management'],
      // Same file: reported where it is written, once.
      ['extends/docker-compose.yml', 17, 12, 'services.redis-base.image', 'redis:7.2-alpine', 'docker.io/library/redis:7.2-alpine'],
      // Its own image wins over the one it extends.
      ['extends/docker-compose.yml', 22, 12, 'services.admin.image', 'example/admin:1.0', 'docker.io/example/admin:1.0'],
    ]);
    expect(occurrences[0].note).toBe('services.web of extends/docker-compose.yml extends service webapp of this file');
  });

  it('notes a service whose image comes through extends: from a file it cannot read (outside the repository, absent, unparseable)', async () => {
    const { occurrences, errors, notes } = await extractFixture(composeDiscoverer, 'compose', 'extends-unread/docker-compose.yml');
    expect(errors).toEqual([]);
    expect(occurrences).toEqual([]);
    // The built service names its own image: a base it cannot read takes nothing from it.
    expect(notes).toEqual([
      'line 4: services.outside extends service web of ../../../../etc/compose/base.yml, which the repository does not hold or which could not be read; its image was not checked',
      'line 8: services.absent extends service web of extends-unread/base/missing.yml, which the repository does not hold or which could not be read; its image was not checked',
      'line 12: services.unparsed extends service web of extends-unread/base/broken.yml, which could not be parsed; its image was not checked',
    ]);
  });

  // Crafted by the offline audit. No duration is asserted: each hop of a chain searched every
  // service of its file, and each service parsed its base file again, so these would run for
  // hours (4,000 services took 13 s, 100 services naming a 290 KB base 54 s), far past the test timeout.
  it('follows extends chains in time linear in the services, each base file parsed once', async () => {
    const chain = 'services:\n' + Array.from({ length: 50_000 }, (_, i) => `  s${i}:\n    extends: s${i + 1}\n`).join('') + '  s50000:\n    image: evil/end:1\n';
    const context = { buildArgs: {}, readFile: async () => undefined };
    const chained = await composeDiscoverer.extract({ path: 'docker-compose.yml', text: chain }, context);
    expect(chained.occurrences.map((o) => [o.line, o.raw])).toEqual([[100_003, 'evil/end:1']]);

    const base = 'x:\n  image: evil/base:1\n' + Array.from({ length: 20_000 }, (_, i) => `k${i}:\n  a: b`).join('\n') + '\n';
    const services = 'services:\n' + Array.from({ length: 20_000 }, (_, i) => `  s${i}:\n    extends: {file: base.yml, service: x}\n`).join('');
    const withBase = { buildArgs: {}, readFile: async (path: string) => (path === 'base.yml' ? base : undefined) };
    const extended = await composeDiscoverer.extract({ path: 'docker-compose.yml', text: services }, withBase);
    expect(extended.occurrences).toHaveLength(20_000);
    expect(new Set(extended.occurrences.map((o) => `${o.file}:${o.line}:${o.column} ${o.reference}`))).toEqual(new Set(['base.yml:2:10 docker.io/evil/base:1']));
  });
});

describe('compose: templates whose names do not say so', () => {
  const jinjaNote = 'a Jinja expression fills it in when the template is rendered';

  it('reads a compose file holding `{% %}` statement lines as a Jinja template (Mailu setup)', async () => {
    const { occurrences, errors, readLineByLine } = await extractFixture(composeDiscoverer, 'compose', 'by-content/mailu/docker-compose.yml');
    expect(errors).toEqual([]);
    expect(readLineByLine).toBeUndefined();
    expect(occurrences).toHaveLength(13);
    expect(occurrences.slice(0, 2).map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message])).toEqual([
      ['10:12', 'redis:alpine', 'docker.io/library/redis:alpine'],
      ['23:12', '${DOCKER_ORG:-ghcr.io/mailu}/${DOCKER_PREFIX:-}nginx:${MAILU_VERSION:-{{ version }}}', jinjaNote],
    ]);
    expect(occurrences.find((o) => o.line === 220)?.reference).toBe('docker.io/clamav/clamav-debian:1.4_base');
  });

  it('reads a compose file with a line that is only a `{{ }}` expression as a template (tutor)', async () => {
    const { occurrences, errors } = await extractFixture(composeDiscoverer, 'compose', 'by-content/tutor/docker-compose.jobs.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.problem?.message])).toEqual([
      ['3:10', '{{ DOCKER_IMAGE_OPENEDX_DEV }}', 'a {{ }} template action fills it in when the template is rendered'],
    ]);
  });

  it('reads the `image:` lines of such a template that is not YAML until rendered, and says the rest was not read (tutor)', async () => {
    const { occurrences, errors, readLineByLine } = await extractFixture(composeDiscoverer, 'compose', 'by-content/tutor/docker-compose.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [o.line, o.raw])).toEqual([
      [5, '{{ DOCKER_IMAGE_PERMISSIONS }}'],
      [31, '{{ DOCKER_IMAGE_MONGODB }}'],
      [44, '{{ DOCKER_IMAGE_MYSQL }}'],
      [61, '{{ DOCKER_IMAGE_MEILISEARCH }}'],
      [74, '{{ DOCKER_IMAGE_REDIS }}'],
      [88, '{{ DOCKER_IMAGE_SMTP }}'],
      [98, '{{ DOCKER_IMAGE_OPENEDX }}'],
      [125, '{{ DOCKER_IMAGE_OPENEDX }}'],
    ]);
    expect(new Set(occurrences.map((o) => o.note))).toEqual(new Set(['read from its line: this part of the Jinja template is YAML only once rendered']));
    expect(readLineByLine).toHaveLength(1);
    expect(readLineByLine![0]).toMatch(/^line 1: this document of the Jinja template is not YAML until the template is rendered \(.*\); its 8 `image:` lines were read line by line, nothing else in it$/);
  });

  it('keeps a file that parses as plain YAML, and one that does not parse and has no tag line, as it was', async () => {
    const snippet = 'services:\n  app:\n    image: nginx:1.27\n    command: |\n      {% raw %}\n      {{ x }}\n';
    const plain = await composeDiscoverer.extract({ path: 'docker-compose.yml', text: snippet }, fixtureContext('compose'));
    expect(plain.occurrences.map((o) => [o.raw, o.note])).toEqual([['nginx:1.27', undefined]]);
    const broken = { path: 'docker-compose.yml', text: 'services:\n  app:\n    image: nginx:1.27\n   bad: [\n' };
    await expect(composeDiscoverer.extract(broken, fixtureContext('compose'))).rejects.toThrow(/invalid YAML/);
  });
});

describe('compose: Jinja templates of compose files', () => {
  it('knows a template by the name of the file it renders', () => {
    for (const path of ['templates/docker-compose.yml.j2', 'docker-compose.yml.jinja', 'roles/app/templates/compose.yaml.jinja2']) {
      expect(composeDiscoverer.matches(path, ''), path).toBe(true);
    }
    for (const path of ['templates/docker-compose.j2', 'templates/compose.env.j2', 'templates/config.yml.j2']) {
      expect(composeDiscoverer.matches(path, ''), path).toBe(false);
    }
    expect(composeDiscoverer.candidate!('templates/stack.yml.j2')).toBe(true);
    expect(composeDiscoverer.matchesContent!('templates/stack.yml.j2', 'services:\n  web:\n    image: nginx:1.27\n')).toBe(true);
  });

  it('reads the YAML around loops, sets and conditions: literal images checked, expressions unresolved (awx)', async () => {
    const { occurrences, errors, readLineByLine, containers } = await extractFixture(composeDiscoverer, 'compose', 'jinja/awx/docker-compose.yml.j2');
    expect(errors).toEqual([]);
    expect(readLineByLine).toBeUndefined();
    const note = 'a Jinja expression fills it in when the template is rendered';
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['7:13', '{{ awx_image }}:{{ awx_image_tag }}', note, 'services.init_awx.image'],
      ['28:13', '{{ awx_image }}:{{ awx_image_tag }}', note, 'services.awx_{{ container_postfix }}.image'],
      ['102:12', 'redis:latest', 'docker.io/library/redis:latest', 'services.redis_{{ container_postfix }}.image'],
      ['114:12', 'haproxy:2.3', 'docker.io/library/haproxy:2.3', 'services.haproxy.image'],
      ['132:12', 'splunk/splunk:latest', 'docker.io/splunk/splunk:latest', 'services.splunk.image'],
      ['147:12', 'prom/prometheus:latest', 'docker.io/prom/prometheus:latest', 'services.prometheus.image'],
      ['160:12', 'grafana/grafana-enterprise:latest', 'docker.io/grafana/grafana-enterprise:latest', 'services.grafana.image'],
      ['180:12', 'quay.io/sclorg/postgresql-15-c9s', 'quay.io/sclorg/postgresql-15-c9s', 'services.postgres.image'],
      ['207:12', 'bitnami/pgbouncer:latest', 'docker.io/bitnami/pgbouncer:latest', 'services.pgbouncer.image'],
      ['228:12', 'otel/opentelemetry-collector-contrib:0.88.0', 'docker.io/otel/opentelemetry-collector-contrib:0.88.0', 'services.otel.image'],
      ['244:12', 'grafana/loki:2.9.5', 'docker.io/grafana/loki:2.9.5', 'services.loki.image'],
      ['259:12', '{{ receptor_image }}', note, 'services.receptor-hop.image'],
      ['272:13', '{{ awx_image }}:{{ awx_image_tag }}', note, 'services.receptor-{{ loop.index }}.image'],
      ['291:12', 'hashicorp/vault:1.14', 'docker.io/hashicorp/vault:1.14', 'services.vault.image'],
    ]);
    // Services named by an expression are named as written, not by the marks that stand for it.
    expect(containers?.filter((container) => container.name.includes('{{')).map((container) => [container.name, container.raw])).toEqual([
      ['services.awx_{{ container_postfix }}', '{{ awx_image }}:{{ awx_image_tag }}'],
      ['services.redis_{{ container_postfix }}', 'redis:latest'],
      ['services.receptor-{{ loop.index }}', '{{ awx_image }}:{{ awx_image_tag }}'],
    ]);
  });

  it('reads a `.jinja` template with expressions at the start of plain scalars (harbor)', async () => {
    const { occurrences, errors } = await extractFixture(composeDiscoverer, 'compose', 'jinja/harbor/docker-compose.yml.jinja');
    expect(errors).toEqual([]);
    expect(occurrences).toHaveLength(11);
    expect(occurrences.slice(0, 2).map((o) => [`${o.line}:${o.column}`, o.raw, o.problem?.message])).toEqual([
      ['3:12', 'goharbor/harbor-log:{{version}}', 'a Jinja expression fills it in when the template is rendered'],
      ['26:12', 'goharbor/registry-photon:{{reg_version}}', 'a Jinja expression fills it in when the template is rendered'],
    ]);
  });

  it('reads a compose template under another suffix (`.template`): {{ }} actions unresolved, literal images checked', async () => {
    expect(composeDiscoverer.matches('deploy/docker-compose.yml.template', '')).toBe(true);
    const { occurrences, errors } = await extractFixture(composeDiscoverer, 'compose', 'template/docker-compose.yml.template');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message])).toEqual([
      ['4:12', '{{ .Registry }}/web:{{ .Tag }}', 'a {{ }} template action fills it in when the template is rendered'],
      ['7:12', 'postgres:16.4', 'docker.io/library/postgres:16.4'],
      ['9:12', '${CACHE_IMAGE:-redis:7.4}', 'docker.io/library/redis:7.4'],
    ]);
  });

  it('reads the image lines of a document that is YAML only once rendered, and says the rest was not read', async () => {
    const text = 'services:\n  app:\n    image: nginx:1.27\n    command: [{% if debug %}"--debug"{% else %}"--quiet"{% endif %}]\n';
    const file = { path: 'templates/docker-compose.yml.j2', text };
    const { occurrences, errors, readLineByLine } = await composeDiscoverer.extract(file, fixtureContext('compose'));
    expectRawAtPositions(file, occurrences);
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference, o.note])).toEqual([
      ['3:12', 'nginx:1.27', 'docker.io/library/nginx:1.27', 'read from its line: this part of the Jinja template is YAML only once rendered'],
    ]);
    expect(readLineByLine).toHaveLength(1);
    expect(readLineByLine![0]).toMatch(/^line 1: this document of the Jinja template is not YAML until the template is rendered \(.*\); its one `image:` line was read line by line, nothing else in it$/);
  });
});

describe('compose: an image written as a YAML collection', () => {
  it("reports kafka's image: {$IMAGE} as a placeholder, not nothing", async () => {
    const { occurrences, errors } = await extractFixture(composeDiscoverer, 'compose', 'placeholder-collection/docker-compose.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [o.line, o.column, o.context, o.raw, o.problem?.kind])).toEqual([
      [20, 12, 'services.broker1.image', '{$IMAGE}', 'unresolved'],
      [54, 12, 'services.broker2.image', '{$IMAGE}', 'unresolved'],
      [85, 12, 'services.broker3.image', '{$IMAGE}', 'unresolved'],
    ]);
  });

  it('reports a flow sequence as written and a block mapping as an error of the file', async () => {
    const { occurrences, errors } = await extractFixture(composeDiscoverer, 'compose', 'placeholder-collection/compose.block.yaml');
    expect(occurrences.map((o) => [o.line, o.raw, o.reference])).toEqual([[4, '[nginx]', null]]);
    expect(errors).toEqual(['services.block-mapping.image is a YAML mapping, not an image name']);
  });
});
