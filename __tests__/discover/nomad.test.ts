import { describe, expect, it } from 'vitest';
import { hclTokens } from '../../src/discover/hcl.js';
import { nomadDiscoverer } from '../../src/discover/nomad.js';
import { extractFixture } from './discover-helpers.js';

const site = (o: { line: number; column: number; raw: string; reference: string | null; problem?: { message: string }; context?: string }) => [
  `${o.line}:${o.column}`,
  o.raw,
  o.reference ?? o.problem?.message,
  o.context,
];

describe('nomad discoverer', () => {
  it('reads the image of each task whose driver runs images, with variable defaults and locals', async () => {
    const { occurrences, errors } = await extractFixture(nomadDiscoverer, 'nomad', 'nomad_jobs/www/nomad.job');
    expect(errors).toEqual([]);
    expect(occurrences.map(site)).toEqual([
      ['24:22', 'envoyproxy/envoy:v1.31.2', 'docker.io/envoyproxy/envoy:v1.31.2', 'job.www.group.nginx.service.connect.sidecar_task.config.image'],
      ['32:18', 'docker-registry.${var.tld}/www:2', '${var.tld} is interpolated by Nomad when it places the task, or set outside this file', 'job.www.group.nginx.task.www.config.image'],
      ['50:18', 'nginx/nginx-prometheus-exporter:${var.image_tag}', 'docker.io/nginx/nginx-prometheus-exporter:1.4.0', 'job.www.group.nginx.task.metrics.config.image'],
      ['57:17', 'local.backup_image', 'docker.io/restic/restic:0.17.3', 'job.www.group.nginx.task.backup.config.image'],
    ]);
  });

  it("reads a pack template around its [[ ]] actions, and a task whose driver a template chooses", async () => {
    const { occurrences, errors } = await extractFixture(nomadDiscoverer, 'nomad', 'packs/alertmanager/templates/alertmanager.nomad.tpl');
    expect(errors).toEqual([]);
    // The pack's variables.hcl gives both variables a default.
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['24:18', 'prom/alertmanager:[[ var "version_tag" . ]]', 'docker.io/prom/alertmanager:v0.23.0', 'job.[[ template "job_name" . ]].group.alertmanager.task.alertmanager.config.image'],
      ['38:17', '[[ var "traefik_image" . | quote ]]', 'docker.io/library/traefik:v3.1', 'job.[[ template "job_name" . ]].group.alertmanager.task.traefik.config.image'],
    ]);
    expect(occurrences[0]?.note).toBe("with the defaults of the pack's variables.hcl");
    // Without it, or for another action, the placeholder is unresolved.
    const alone = await nomadDiscoverer.extract(
      { path: 'templates/x.nomad.tpl', text: 'job "x" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n      config { image = "a:[[ template \\"tag\\" . ]]" }\n    }\n  }\n}\n' },
      { buildArgs: {}, readFile: () => Promise.resolve(undefined) },
    );
    expect(alone.occurrences.map((o) => o.problem?.kind)).toEqual(['unresolved']);
  });

  it('matches job files by name, and .hcl or .job files with a top-level job block', () => {
    expect(nomadDiscoverer.matches('jobs/redis.nomad', '')).toBe(true);
    expect(nomadDiscoverer.matches('jobs/redis.nomad.hcl', '')).toBe(true);
    expect(nomadDiscoverer.matches('jobs/redis.hcl', 'variable "x" {}\njob "redis" {\n}\n')).toBe(true);
    expect(nomadDiscoverer.matches('docker-bake.hcl', 'target "app" {\n  dockerfile = "Dockerfile"\n}\n')).toBe(false);
    expect(nomadDiscoverer.matches('jobs/redis.job', '')).toBe(false);
    expect(nomadDiscoverer.candidate?.('jobs/redis.job')).toBe(true);
    expect(nomadDiscoverer.candidate?.('charts/app/templates/_helpers.tpl')).toBe(false);
  });

  it('reports where a string that never ends stops the reading', async () => {
    const text = 'job "a" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n      config { image = "redis:7" }\n      env { X = "open\n';
    const extraction = await nomadDiscoverer.extract({ path: 'a.nomad', text }, { buildArgs: {}, readFile: () => Promise.resolve(undefined) });
    expect(extraction).toMatchObject({ errors: ['line 6: a string, heredoc or comment that never ends: the rest of the file was not read'] });
  });
});

describe('nomad discoverer: hostile templates', () => {
  const context = { buildArgs: {}, readFile: (_path: string): Promise<string | undefined> => Promise.resolve(undefined) };
  const job = (image: string, variables = '') =>
    `${variables}job "j" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n      config {\n        image = "${image}"\n      }\n    }\n  }\n}\n`;
  const problem = async (text: string, path = 'a.nomad', readFile = context.readFile) => {
    const { occurrences, errors } = await nomadDiscoverer.extract({ path, text }, { ...context, readFile });
    expect(errors).toEqual([]);
    return occurrences.map((o) => [o.problem?.kind, o.problem?.message]);
  };

  // Crafted: the job filler had no bound, so 2,000 references to a 4,000-character default built an
  // 8,000,000-character image; 200,000 references to a 2,600-character one ran the scan out of
  // string length (internal error, 2 GB). Now the fill stops past 4,096 characters: still an invalid reference.
  it('bounds what a variable repeated in an image makes, still an invalid reference', async () => {
    const variables = `variable "a" {\n  default = "${'a'.repeat(4_000)}"\n}\n`;
    expect(await problem(job('${var.a}'.repeat(2_000), variables))).toEqual([
      ['invalid', 'invalid reference format: 8000 characters is more than any reference can have (1024)'],
    ]);
  });

  it('bounds the same in a pack template, and the name an unknown interpolation is told by', async () => {
    const variables = `variable "a" {\n  default = "${'a'.repeat(4_000)}"\n}\n`;
    const readFile = (path: string) => Promise.resolve(path === 'variables.hcl' ? variables : undefined);
    expect(await problem(job('[[ var "a" . ]]'.repeat(2_000)), 'templates/a.nomad.tpl', readFile)).toEqual([
      ['invalid', 'invalid reference format: 8000 characters is more than any reference can have (1024)'],
    ]);
    const [[, message]] = await problem(job(`\${${'n'.repeat(100_000)}}`));
    expect(message?.length).toBeLessThan(300);
  });

  // Crafted: a 1 MB default named by 10,000 tasks kept 10,000 references to it, each quoted whole in its
  // finding: the scan ran 8 minutes and died out of memory (4 GB) writing the report.
  it('keeps at most 1,024 characters of a long value in each image, its length in the message', async () => {
    const variables = `variable "a" {\n  default = "${'a'.repeat(100_000)}"\n}\n`;
    const tasks = Array.from({ length: 200 }, (_, index) => `    task "t${index}" {\n      driver = "docker"\n      config { image = var.a }\n    }\n`).join('');
    const { occurrences } = await nomadDiscoverer.extract({ path: 'a.nomad', text: `${variables}job "j" {\n  group "g" {\n${tasks}  }\n}\n` }, context);
    expect(occurrences).toHaveLength(200);
    expect(Math.max(...occurrences.map((o) => o.resolved?.length ?? 0))).toBe(1_025);
    expect(occurrences[0]?.problem?.message).toBe('invalid reference format: 100000 characters is more than any reference can have (1024)');
  });

  it('leaves an image with a template directive unresolved: Nomad renders it', async () => {
    expect(await problem(job('redis:%{ if true }7%{ endif }'))).toEqual([['unresolved', 'a template directive (%{ }) is evaluated by Nomad']]);
  });
});

describe('hclTokens', () => {
  it('reads a template string whose interpolation holds quotes and braces as one token', () => {
    const { tokens, unterminated } = hclTokens('image = "${format("%s:%s", "a", "b")}-${ {x = 1}.x }"\nnext = 1');
    expect(unterminated).toBeUndefined();
    expect(tokens.map((token) => [token.kind, token.text])).toEqual([
      ['word', 'image'],
      ['punct', '='],
      ['string', '${format("%s:%s", "a", "b")}-${ {x = 1}.x }'],
      ['word', 'next'],
      ['punct', '='],
      ['word', '1'],
    ]);
  });

  it('skips comments and heredoc bodies, and stays linear on many unclosed interpolations', () => {
    const { tokens } = hclTokens('# c\n// d\n/* e */ a = <<-EOT\n  b = "x"\n  EOT\nc = 2');
    expect(tokens.map((token) => token.text)).toEqual(['a', '=', '', 'c', '=', '2']);
    // 200,000 openings of an interpolation that never closes: one pass, or hours quadratically.
    const hostile = `x = "${'${'.repeat(200_000)}`;
    expect(hclTokens(hostile).unterminated).toBe(4);
  });

  // Crafted by the offline audit (Nomad refuses each of these files, so no real repository has
  // them): the reader stopped at the bound, or at the stray brace, and said nothing, so the task
  // after it went unread and the scan passed.
  it('says what it left unread: a block past the nesting bound, a brace that closes no block, the rest past the token bound', async () => {
    const task = (image: string) => `job "j" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n      config {\n        image = "${image}"\n      }\n    }\n  }\n}\n`;
    const context = { buildArgs: {}, readFile: () => Promise.resolve(undefined) };
    const read = async (text: string) => {
      const { occurrences, errors } = await nomadDiscoverer.extract({ path: 'a.nomad', text }, context);
      return { images: occurrences.map((o) => o.raw), errors };
    };

    const deep = 'meta {\n' + 'x {\n'.repeat(40) + '}\n'.repeat(40) + '}\n' + 'meta {\n' + 'y {\n'.repeat(40) + '}\n'.repeat(40) + '}\n';
    expect(await read(deep + task('evil/after-deep:1'))).toEqual({
      images: ['evil/after-deep:1'],
      errors: ['line 33: blocks nest deeper than 32 levels: this block (and any other that deep) was not read'],
    });

    expect(await read('}\n' + task('evil/after-brace:1'))).toEqual({
      images: ['evil/after-brace:1'],
      errors: ['line 1: a closing brace closes no block, so HCL does not read the file'],
    });

    const filler = 'm = [' + 'a,'.repeat(300_000) + ']\n';
    expect(await read(task('evil/before:1') + filler + task('evil/after-bound:1'))).toEqual({
      images: ['evil/before:1'],
      errors: ['line 11: the file has more than 500,000 tokens: the rest of it was not read'],
    });
  });
});

