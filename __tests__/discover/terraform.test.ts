// Terraform configurations from real repositories (each fixture names its repository and commit in its first line).
import { describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover/index.js';
import { terraformDiscoverer } from '../../src/discover/terraform.js';
import type { Occurrence } from '../../src/model.js';
import { extractFixture } from './discover-helpers.js';

const site = (o: Occurrence) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context];

describe('terraform discoverer', () => {
  it('reads the container definitions a module call hands terraform-aws-modules/ecs, a computed key and a data source included', async () => {
    const { occurrences, errors, containers } = await extractFixture(terraformDiscoverer, 'terraform', 'aws-ecs/examples/fargate/main.tf');
    expect(errors).toEqual([]);
    expect(occurrences.map(site)).toEqual([
      ['99:19', 'nonsensitive(data.aws_ssm_parameter.fluentbit.value)', 'nonsensitive(data.aws_ssm_parameter.fluentbit.value) is computed by Terraform (the function nonsensitive)', 'module.ecs_service.container_definitions.fluent-bit.image'],
      ['111:20', 'public.ecr.aws/aws-containers/ecsdemo-frontend:776fd50', 'public.ecr.aws/aws-containers/ecsdemo-frontend:776fd50', 'module.ecs_service.container_definitions.(local.container_name).image'],
      ['240:16', 'public.ecr.aws/amazonlinux/amazonlinux:2023-minimal', 'public.ecr.aws/amazonlinux/amazonlinux:2023-minimal', 'module.ecs_task_definition.container_definitions.al2023.image'],
    ]);
    // The FireLens container runs as user "0".
    expect(containers?.map((c) => [c.name, c.user?.value, `${c.user?.line}:${c.user?.column}`])).toEqual([['module.ecs_service.container_definitions.fluent-bit', '0', '104:28']]);
  });

  it('reads a heredoc of JSON container definitions, a variable of another file of the module filled in', async () => {
    // secrets-sidecar.tf uses var.default_backend_image, whose default is in ecs.tf.
    const { occurrences, errors } = await extractFixture(terraformDiscoverer, 'terraform', 'ecs-fargate/env/dev/secrets-sidecar.tf');
    expect(errors).toEqual([]);
    expect(occurrences.map(site)).toEqual([
      ['52:15', '${var.default_backend_image}', 'ghcr.io/warnermedia/fargate-default-backend:v0.9.0', 'aws_ecs_task_definition.secrets_sidecar.container_definitions[0].image'],
      ['111:15', '${var.secret_sidecar_image}', 'quay.io/turner/secretsmanager-sidecar', 'aws_ecs_task_definition.secrets_sidecar.container_definitions[1].image'],
    ]);
  });

  it('reads JSON with interpolations outside strings (`"containerPort": ${var.container_port}`)', async () => {
    const { occurrences } = await extractFixture(terraformDiscoverer, 'terraform', 'ecs-fargate/env/dev/ecs.tf');
    expect(occurrences.map(site)).toEqual([['83:15', '${var.default_backend_image}', 'ghcr.io/warnermedia/fargate-default-backend:v0.9.0', 'aws_ecs_task_definition.app.container_definitions[0].image']]);
  });

  it('reads the JSON file templatefile() renders, at its place in that file', async () => {
    const { occurrences, errors } = await extractFixture(terraformDiscoverer, 'terraform', 'spikes/aws/ecs_fargate/modules/ecs/main.tf');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [o.file, ...site(o)])).toEqual([
      ['spikes/aws/ecs_fargate/modules/ecs/container_definitions.json', '4:15', 'datadog/synthetics-private-location-worker:latest', 'docker.io/datadog/synthetics-private-location-worker:latest', 'aws_ecs_task_definition.private_locations.container_definitions[0].image'],
    ]);
  });

  it('notes a file() the repository does not hold', async () => {
    const { occurrences, notes } = await extractFixture(terraformDiscoverer, 'terraform', 'spikes-old/aws/ecs_fargate/modules/ecs_task_definition/main.tf');
    expect(occurrences).toEqual([]);
    expect(notes).toEqual(['line 4: aws_ecs_task_definition.service.container_definitions: file("modules/ecs_task_definition/container_definitions.json") reads a file this repository does not hold, so its images were not read']);
  });

  it('fills in locals', async () => {
    const { occurrences } = await extractFixture(terraformDiscoverer, 'terraform', 'blueprints/backend-service/main.tf');
    expect(occurrences.map(site)).toEqual([['45:34', 'local.container_image', 'public.ecr.aws/aws-containers/ecsdemo-nodejs:c3e96da', 'module.ecs_service.container_definitions.ecsdemo-nodejs.image']]);
  });

  it('reads the Docker provider: an image a container names through docker_image is reported once, at the docker_image', async () => {
    const { occurrences, containers } = await extractFixture(terraformDiscoverer, 'terraform', 'docker/examples/ssh-protocol/main.tf');
    expect(occurrences.map(site)).toEqual([
      ['12:15', 'busybox:latest', 'docker.io/library/busybox:latest', 'docker_image.test.name'],
      ['25:11', 'docker:18.09.0-dind', 'docker.io/library/docker:18.09.0-dind', 'docker_image.dind.name'],
      ['34:12', 'docker:18.09.0-dind', 'docker.io/library/docker:18.09.0-dind', 'docker_container.dind.image'],
    ]);
    expect(containers?.map((c) => [c.name, c.privileged?.value, `${c.privileged?.line}:${c.privileged?.column}`])).toEqual([['docker_container.dind', true, '36:16']]);
  });

  it('marks an image a docker_image builds as built here', async () => {
    const { occurrences } = await extractFixture(terraformDiscoverer, 'terraform', 'docker/examples/resources/docker_image/resource-build.tf');
    expect(occurrences.map((o) => [...site(o), o.local])).toEqual([['3:11', 'zoo', 'docker.io/library/zoo', 'docker_image.zoo.name', true]]);
  });

  it("reads the containers of a kubernetes_manifest's manifest object (hashicorp/terraform-provider-kubernetes)", async () => {
    const { occurrences, errors } = await extractFixture(terraformDiscoverer, 'terraform', 'k8s-manifest/deployment.tf');
    expect(errors).toEqual([]);
    expect(occurrences.map(site)).toEqual([['33:26', 'nginx:1.14.2', 'docker.io/library/nginx:1.14.2', 'kubernetes_manifest.test-deployment.manifest.spec.template.spec.containers[0].image']]);
  });

  it('leaves a Go test format string (%s) unresolved, not invalid', async () => {
    const { occurrences } = await extractFixture(terraformDiscoverer, 'terraform', 'docker/testdata/testAccDockerContainerPrivateImage.tf');
    expect(occurrences.map((o) => [...site(o), o.problem?.kind])).toEqual([['12:19', '%s', '%s holds a printf verb: the file is a format string a program fills in', 'docker_image.foo.name', 'unresolved']]);
  });

  it('reads kubernetes_deployment containers', async () => {
    const { occurrences } = await extractFixture(terraformDiscoverer, 'terraform', 'k8s/main.tf');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.context, o.problem?.kind])).toEqual([
      // As written in DonoGHQ/k8stest: not a digest.
      ['14:20', 'nginx:sha@12312323235345346345sdff', 'kubernetes_deployment.example.spec.template.spec.container.image', 'invalid'],
    ]);
  });

  it('reads Cloud Run: the module inputs of GoogleCloudPlatform/cloud-run and a v2 job whose variable has no default', async () => {
    const simple = await extractFixture(terraformDiscoverer, 'terraform', 'cloud-run/examples/simple_cloud_run/main.tf');
    expect(simple.occurrences.map(site)).toEqual([['33:28', 'us-docker.pkg.dev/cloudrun/container/hello', 'us-docker.pkg.dev/cloudrun/container/hello', 'module.cloud_run.image']]);
    const v2 = await extractFixture(terraformDiscoverer, 'terraform', 'cloud-run/examples/v2_with_gmp/main.tf');
    expect(v2.occurrences.map(site)).toEqual([['27:26', 'us-docker.pkg.dev/cloudrun/container/hello', 'us-docker.pkg.dev/cloudrun/container/hello', 'module.cloud_run_v2.containers[0].container_image']]);
    const job = await extractFixture(terraformDiscoverer, 'terraform', 'cloud-run/modules/job-exec/main.tf');
    expect(job.occurrences.map((o) => [...site(o), o.problem?.kind])).toEqual([
      ['89:19', 'var.image', 'var.image has no default: it is given when Terraform runs (-var, a .tfvars file, a calling module)', 'google_cloud_run_v2_job.job.template.template.containers.image', 'unresolved'],
    ]);
  });

  it("reads Cloud Posse's container definition module: its container_image, and a task definition of its outputs is not a computed value left unread", async () => {
    const discovery = await discoverRepository(new URL('../fixtures/discover/terraform/cloudposse-container', import.meta.url).pathname);
    expect(discovery.occurrences.map((o) => [`${o.file}:${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message])).toEqual([
      ['ecs.tf:7:34', 'var.container_image', 'docker.io/pww217/netmiko-web'],
      ['ecs.tf:38:22', 'amazon/aws-xray-daemon:3.3.13', 'docker.io/amazon/aws-xray-daemon:3.3.13'],
    ]);
    // Only the task definition built from another module's output is still said to be unread.
    expect(discovery.unscanned.map((entry) => [entry.file, entry.line, entry.reason])).toEqual([
      ['ecs.tf', 48, 'terraform: line 48: aws_ecs_task_definition.other.container_definitions: module.vpc.json_map_encoded_list is computed by Terraform, so its images were not read'],
    ]);
  });

  it('reads helm_release set values: the repository with the tag set beside it, from variable defaults', async () => {
    const { occurrences } = await extractFixture(terraformDiscoverer, 'terraform', 'helm-release/terraform/main.tf');
    expect(occurrences.map(site)).toEqual([['14:13', 'var.image_repository', '507363615947.dkr.ecr.eu-central-1.amazonaws.com/myapp-image:latest', 'helm_release.my1app.set[image.repository]']]);
  });

  it('takes a terraform.tfvars value over the default', async () => {
    const { occurrences } = await extractFixture(terraformDiscoverer, 'terraform', 'helm-release-tfvars/terraform/main.tf');
    expect(occurrences.map((o) => o.reference)).toEqual(['507363615947.dkr.ecr.eu-central-1.amazonaws.com/myapp-image:1.4.2']);
  });

  it('finds the module values through the walk as the engine runs it, and reads no image from variables files', async () => {
    const discovery = await discoverRepository(new URL('../fixtures/discover/terraform/ecs-fargate', import.meta.url).pathname);
    expect(discovery.occurrences.map((o) => [o.file, `${o.line}:${o.column}`, o.reference])).toEqual([
      ['env/dev/ecs.tf', '83:15', 'ghcr.io/warnermedia/fargate-default-backend:v0.9.0'],
      ['env/dev/secrets-sidecar.tf', '52:15', 'ghcr.io/warnermedia/fargate-default-backend:v0.9.0'],
      ['env/dev/secrets-sidecar.tf', '111:15', 'quay.io/turner/secretsmanager-sidecar'],
    ]);
    expect(discovery.unscanned).toEqual([]);
    // The walk lists terraform.tfvars for the module's values; it is not a file of images itself.
    const withVariables = await discoverRepository(new URL('../fixtures/discover/terraform/helm-release-tfvars', import.meta.url).pathname);
    expect(withVariables.occurrences.map((o) => [o.file, o.reference])).toEqual([['terraform/main.tf', '507363615947.dkr.ecr.eu-central-1.amazonaws.com/myapp-image:1.4.2']]);
    expect(withVariables.filesScanned).toBe(2);
  });

  it('reads the Helm values templatefile() renders for a helm_release, its variables filled in, at their places in the template', async () => {
    const { occurrences, errors, notes } = await extractFixture(terraformDiscoverer, 'terraform', 'moj-ingress/main.tf');
    expect(errors).toEqual([]);
    const template = 'moj-ingress/templates/values.yaml.tpl';
    expect(occurrences.map((o) => [o.file, ...site(o)])).toEqual([
      [template, '14:12', 'justice.gov.uk/ingress-nginx-controller', 'cgr.dev/justice.gov.uk/ingress-nginx-controller:1.14.3@sha256:3ef4ec0f422035485176269f40c2de71eda1a6b0699e2e404f63164d2d6b3ef4', 'helm_release.nginx_ingress.values[0].controller.image.image'],
      [template, '93:14', 'busybox', 'docker.io/library/busybox', 'helm_release.nginx_ingress.values[0].controller.extraInitContainers[0].image'],
      [template, '105:14', 'fluent/fluent-bit:${fluent_bit_version}', 'docker.io/fluent/fluent-bit:4.2.0-amd64', 'helm_release.nginx_ingress.values[0].controller.extraContainers[0].image'],
      [template, '128:14', 'debian:bookworm-20241016-slim', 'docker.io/library/debian:bookworm-20241016-slim', 'helm_release.nginx_ingress.values[0].controller.extraContainers[1].image'],
      [template, '327:18', '${backend_repo}', 'docker.io/ministryofjustice/cloud-platform-custom-error-pages:1.1.5', 'helm_release.nginx_ingress.values[0].defaultBackend.image.repository'],
    ]);
    // The chainguard image sits inside `%{ if enable_chainguard ~}`: rendered only when that holds.
    expect(occurrences[0].note).toContain('inside a %{ if } or %{ for }');
    expect(occurrences[4].note).toBe('Helm values helm_release.nginx_ingress gives its chart');
    expect(notes).toEqual(['line 54: helm_release.nginx_ingress.values[0]: 21 line(s) of the values (moj-ingress/templates/values.yaml.tpl) are YAML Terraform inserts (a ${ } or %{ } alone on its line), which was not read']);
  });

  it('leaves a templatefile() variable Terraform computes unresolved, with the reason', async () => {
    const { occurrences, errors } = await extractFixture(terraformDiscoverer, 'terraform', 'kuberay-cluster/main.tf');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [o.file, ...site(o)])).toEqual([
      [
        'kuberay-cluster/values.yaml',
        '25:15',
        '${image}',
        'templatefile() gives image: var.use_custom_image ? "us-central1-docker.pkg.dev/ai-on-gke/rag-on-gke/ray-image" : "rayproject/ray" is evaluated by Terraform',
        'helm_release.ray-cluster.values[0].image.repository',
      ],
      ['kuberay-cluster/values.yaml', '152:24', 'busybox:1.28', 'docker.io/library/busybox:1.28', 'helm_release.ray-cluster.values[0].worker.initContainerImage'],
    ]);
  });

  it('reads both branches of a conditional list of values, each image said to be of its branch (ai-on-gke jupyter)', async () => {
    const { occurrences } = await extractFixture(terraformDiscoverer, 'terraform', 'jupyter/main.tf');
    expect(occurrences.map((o) => [o.file.slice('jupyter/jupyter_config/'.length), `${o.line}:${o.column}`, o.raw, o.reference, o.note?.slice(o.note.indexOf('only when'))])).toEqual([
      ['config-selfauth-autopilot.yaml', '27:11', 'us-docker.pkg.dev/ai-on-gke/jupyterhub-authentication-class/jupyter-auth-class', 'us-docker.pkg.dev/ai-on-gke/jupyterhub-authentication-class/jupyter-auth-class:sample-public-image-1741648202', 'only when var.autopilot_cluster is true'],
      ['config-selfauth-autopilot.yaml', '96:11', '${notebook_image}', 'docker.io/jupyter/tensorflow-notebook:python-3.10', 'only when var.autopilot_cluster is true'],
      ['config-selfauth-autopilot.yaml', '155:16', '${notebook_image}:${notebook_image_tag}', 'docker.io/jupyter/tensorflow-notebook:python-3.10', 'only when var.autopilot_cluster is true'],
      ['config-selfauth.yaml', '27:11', 'us-docker.pkg.dev/ai-on-gke/jupyterhub-authentication-class/jupyter-auth-class', 'us-docker.pkg.dev/ai-on-gke/jupyterhub-authentication-class/jupyter-auth-class:sample-public-image-1741648202', 'only when var.autopilot_cluster is false'],
      ['config-selfauth.yaml', '94:11', '${notebook_image}', 'docker.io/jupyter/tensorflow-notebook:python-3.10', 'only when var.autopilot_cluster is false'],
    ]);
  });

  it('reads YAML values in a heredoc whose interpolation holds quotes and a colon, which YAML could not hold as written', async () => {
    // `allowedCluster: ${terraform.workspace == "cluster1" ? "eks-cluster2" : "eks-cluster1"}`: no image, and nothing left unread.
    const { occurrences, notes, errors } = await extractFixture(terraformDiscoverer, 'terraform', 'vpc-lattice/eks.tf');
    expect([occurrences, notes, errors]).toEqual([[], undefined, []]);
  });

  it('reads the image block of an object a helm_release hands yamlencode() (ItzUmesh/Kubernetes_features)', async () => {
    const { occurrences, notes } = await extractFixture(terraformDiscoverer, 'terraform', 'yamlencode-values/main.tf');
    expect(occurrences.map(site)).toEqual([['15:23', 'dynamic-time-portal', 'docker.io/library/dynamic-time-portal:latest', 'helm_release.dynamic_time_portal.values[0].image.repository']]);
    expect(notes).toBeUndefined();
  });

  it('takes a literal true or null under an image-like key of yamlencode() values for a setting, not an image', async () => {
    const text = 'resource "helm_release" "x" {\n  values = [yamlencode({\n    pullImage = true\n    initImage = null\n    sidecar_image = var.sidecar_image\n  })]\n}\nvariable "sidecar_image" {\n  default = "busybox:1.36"\n}\n';
    const context = { buildArgs: {}, readFile: async () => text, listFiles: async () => ['main.tf'] };
    const { occurrences } = await terraformDiscoverer.extract({ path: 'main.tf', text }, context);
    expect(occurrences.map((o) => [o.raw, o.reference, o.context])).toEqual([['var.sidecar_image', 'docker.io/library/busybox:1.36', 'helm_release.x.values[0].sidecar_image']]);
  });

  it('bounds the interpolations of one image: locals that each repeat the next would grow exponentially', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const local = (name: string, index: number) => `  ${name} = "${index + 1 < names.length ? `\${local.${names[index + 1]}}`.repeat(200) : ''}"`;
    const text = `locals {\n${names.map(local).join('\n')}\n}\nresource "docker_container" "x" {\n  image = local.a\n}\n`;
    const context = { buildArgs: {}, readFile: async () => text, listFiles: async () => ['main.tf'] };
    const { occurrences } = await terraformDiscoverer.extract({ path: 'main.tf', text }, context);
    expect(occurrences.map((o) => o.problem?.message)).toEqual(['the value takes too many interpolations to fill in']);
  });

  // Crafted: the reader stops at 500,000 tokens and skips blocks nested past 32; both said so to
  // Nomad's reader only, and a Terraform file's resources past them went unread without a word.
  it('says what the HCL reader left unread: tokens past its bound, blocks nested past it', async () => {
    const container = 'resource "docker_container" "late" {\n  name  = "late"\n  image = "registry.example.com/team/late:1.0"\n}\n';
    const long = `locals {\n  numbers = [${'1, '.repeat(260_000)}]\n}\n${container}`;
    const deep = `resource "kubernetes_pod" "deep" {\n${'  spec {\n'.repeat(33)}${'  }\n'.repeat(33)}}\n${container}`;
    const read = async (text: string) => {
      const context = { buildArgs: {}, readFile: async () => text, listFiles: async () => ['main.tf'] };
      const { occurrences, errors } = await terraformDiscoverer.extract({ path: 'main.tf', text }, context);
      return { images: occurrences.map((o) => o.reference), errors };
    };
    expect(await read(long)).toEqual({ images: [], errors: ['line 2: the file has more than 500,000 tokens: the rest of it was not read'] });
    expect(await read(deep)).toEqual({
      images: ['registry.example.com/team/late:1.0'],
      errors: ['line 33: blocks nest deeper than 32 levels: this block (and any other that deep) was not read'],
    });
  });
});

describe('terraform helm_release values: hostile templates', () => {
  it('bounds what a templatefile() variable repeated in an image makes (2,000 references to 4,000 characters were 8 MB), still an invalid reference', async () => {
    const long = 'a'.repeat(4_000);
    const main = `resource "helm_release" "app" {\n  values = [templatefile("values.yaml", { x = "${long}" })]\n}\n`;
    const values = `image: "${'${x}'.repeat(2_000)}"\n`;
    const files = new Map([['values.yaml', values]]);
    const context = { buildArgs: {}, readFile: async (path: string) => files.get(path), listFiles: async () => ['main.tf', 'values.yaml'], candidateFiles: ['main.tf'] };
    const { occurrences } = await terraformDiscoverer.extract({ path: 'main.tf', text: main }, context);
    expect(occurrences.map((o) => [o.file, o.line, o.problem?.kind, o.problem?.message])).toEqual([
      ['values.yaml', 1, 'invalid', 'invalid reference format: 8000 characters is more than any reference can have (1024)'],
    ]);
  });
});
