import { describe, expect, it } from 'vitest';
import { composeBuildsServices, dockerBuiltNames, dockerCommandImage } from '../../src/discover/docker-cli.js';
import { shellCommands } from '../../src/discover/shell-commands.js';

const imageOf = (command: string) => {
  const found = dockerCommandImage(shellCommands(command)[0] ?? []);
  return found && [found.command, found.word.text];
};

describe('dockerCommandImage', () => {
  it.each([
    ['docker run alpine:3.20 echo hi', ['docker run', 'alpine:3.20']],
    ['docker run --rm -it -e A=b -v /a:/b --name x -p 80:80 nginx:1.27', ['docker run', 'nginx:1.27']],
    ['docker run -dp 8080:80 --network=host -eKEY=v -w/src httpd:2.4', ['docker run', 'httpd:2.4']],
    ['docker run --privileged --pull always --platform linux/arm64 -- tonistiigi/binfmt --install all', ['docker run', 'tonistiigi/binfmt']],
    ['docker create --name c busybox:1.36', ['docker create', 'busybox:1.36']],
    ['docker pull -q --platform linux/amd64 ghcr.io/o/r:1', ['docker pull', 'ghcr.io/o/r:1']],
    ['docker container run --rm redis:7', ['docker container run', 'redis:7']],
    ['docker image pull postgres:16', ['docker image pull', 'postgres:16']],
    ['docker --context remote -H tcp://h:2376 run mongo:7', ['docker run', 'mongo:7']],
    ['sudo -E docker run ubuntu:24.04', ['docker run', 'ubuntu:24.04']],
    ['sudo -u ci env A=1 docker pull debian:12', ['docker pull', 'debian:12']],
    ['timeout 60 docker run node:22', ['docker run', 'node:22']],
    ['CI=true DEBUG=1 docker run python:3.13', ['docker run', 'python:3.13']],
    ['if docker run golang:1.23 go test; then', ['docker run', 'golang:1.23']],
    ['docker run $IMAGE', ['docker run', '$IMAGE']],
  ])('%s', (command, expected) => {
    expect(imageOf(command)).toEqual(expected);
  });

  it.each([
    'docker run --some-new-flag x alpine',
    'docker run -Z alpine',
    'docker build -t app .',
    'docker compose run web',
    'docker run',
    'docker run --rm',
    'echo docker run alpine',
    'podman run alpine',
    'docker-compose run web',
    'docker ps',
  ])('%s names no image here', (command) => {
    expect(imageOf(command)).toBeUndefined();
  });
});

describe('dockerBuiltNames', () => {
  const namesOf = (command: string) => dockerBuiltNames(shellCommands(command)[0] ?? []).map((word) => word.text);

  it.each<[string, string[]]>([
    ['docker build -t app:ci .', ['app:ci']],
    ['docker build --tag app -t app:1 -f Dockerfile .', ['app', 'app:1']],
    ['docker buildx build --load --tag=ghcr.io/o/app:pr .', ['ghcr.io/o/app:pr']],
    ['sudo docker image build -t tools .', ['tools']],
    ['docker tag app:ci registry.example.com/app:ci', ['registry.example.com/app:ci']],
    ['docker image tag app registry.example.com/app', ['registry.example.com/app']],
    ['docker run -t app', []],
    ['docker push app:ci', []],
    ['docker compose build', []],
    ['docker tag only-one', []],
    // The bake overrides docker/bake-action's README and docker/compose's docker-bake.hcl comments write.
    ["docker buildx bake --set '*.tags=mytest:local' --load", ['mytest:local']],
    ['docker buildx bake release --set *.output=type=image,push=true --set=release.tags=docker/packaging:compose-2.10.2-r0', ['docker/packaging:compose-2.10.2-r0']],
    ['docker buildx bake --set *.platform=linux/arm64', []],
    ['docker commit the_container the_container', ['the_container']],
    ['docker container commit -m "deps installed" -c "ENV A=1" --pause=false c1 ci/deps:1', ['ci/deps:1']],
    ['docker commit the_container', []],
    ['docker commit --unknown c1 app', []],
    ['podman build -t app .', []],
  ])('%s', (command, expected) => {
    expect(namesOf(command)).toEqual(expected);
  });
});

describe('composeBuildsServices', () => {
  it.each([
    ['docker compose build', true],
    ['docker compose -f docker-compose.yml -f extensions/fleet/fleet-compose.yml build', true],
    ['docker compose -p app --project-directory . build web', true],
    ['docker-compose build', true],
    ['docker compose up -d --build', true],
    ['docker compose run --build --rm web', true],
    ['docker compose up -d', false],
    ['docker compose pull', false],
    ['docker compose --unknown build', false],
    ['docker build -t app .', false],
    ['echo docker compose build', false],
  ])('%s', (command, expected) => {
    expect(composeBuildsServices(shellCommands(command)[0] ?? [])).toBe(expected);
  });
});
