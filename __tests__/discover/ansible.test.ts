import { describe, expect, it } from 'vitest';
import { ansibleDiscoverer } from '../../src/discover/ansible.js';
import { evaluateJinja } from '../../src/discover/ansible-vars.js';
import { moleculeDiscoverer } from '../../src/discover/molecule.js';
import { expectRawAtPositions, extractFixture, fixture, fixtureContext } from './discover-helpers.js';

describe('ansible', () => {
  it("reads a role's container with the role defaults (davestephens/ansible-nas couchdb)", async () => {
    const { occurrences, file } = await extractFixture(ansibleDiscoverer, 'ansible', 'ansible-nas/roles/couchdb/tasks/main.yml');
    expect(occurrences.map((o) => [o.line, o.raw, o.reference, o.note])).toEqual([[15, '{{ couchdb_image_name }}:{{ couchdb_image_version }}', 'docker.io/library/couchdb:latest', 'with the Ansible variables']]);
    expectRawAtPositions(file, occurrences);
  });

  it('reads a literal image; a task that removes the container pulls nothing (ansible-nas airsonic)', async () => {
    const { occurrences } = await extractFixture(ansibleDiscoverer, 'ansible', 'ansible-nas/roles/airsonic/tasks/main.yml');
    expect(occurrences.map((o) => [o.line, o.reference, o.context])).toEqual([[15, 'docker.io/airsonic/airsonic:latest', '[0].block[1].community.docker.docker_container.image']]);
  });

  it('reads podman and docker modules of a playbook, with its play vars; a build is not an image, a loop over a list it does not know is unresolved', async () => {
    const { occurrences, file } = await extractFixture(ansibleDiscoverer, 'ansible', 'playbook.yml');
    expect(occurrences.map((o) => [o.line, o.reference ?? o.problem?.message])).toEqual([
      [13, 'docker.io/library/redis'],
      [24, 'docker.io/pacur/centos-7'],
      [37, 'docker.io/library/nginx:1.27'],
      [41, 'docker.io/library/nginx:1.27'],
      [47, "the task loops over sidecars, which is not a list set in the role's defaults or vars, group_vars/all or the play's vars (the inventory or the command line may set it)"],
    ]);
    expectRawAtPositions(file, occurrences);
  });

  it("reads each item of a loop at its place, with the variables of the role it depends on (community.docker's image-ids test)", async () => {
    const { occurrences } = await extractFixture(ansibleDiscoverer, 'ansible', 'community-docker/targets/docker_container/tasks/tests/image-ids.yml');
    expect(occurrences.slice(0, 3).map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.note])).toEqual([
      ['17:8', '{{ docker_test_image_hello_world }}', 'quay.io/ansible/docker-test-containers:hello-world', 'item 0 of its loop list; with the Ansible variables'],
      ['18:8', '{{ docker_test_image_alpine }}', 'quay.io/ansible/docker-test-containers:alpine3.8', 'item 1 of its loop list; with the Ansible variables'],
      ['39:13', '{{ image_info.images[0].Id }}', 'the Ansible expression {{ image_info.images[0].Id }} is only known when the play runs', undefined],
    ]);
    // setup_docker's vars, which the test role depends on, name the other images.
    expect(occurrences.find((o) => o.line === 112)?.reference).toBe('quay.io/ansible/docker-test-containers@sha256:e004c2cc521c95383aebb1fb5893719aa7a8eae2e7a71f316a4410784edb00a9');
    expect(occurrences.filter((o) => o.problem).map((o) => o.line)).toEqual([39, 47, 55, 63]);
    expect(occurrences[0].context).toBe('[2].community.docker.docker_image_pull.name (image)');
  });

  it('reads the image of each item of a list variable where the variable writes it (c2platform/ansible-collection-mw docker role)', async () => {
    const { occurrences } = await extractFixture(ansibleDiscoverer, 'ansible', 'c2platform-mw/roles/docker/tasks/main.yml');
    expect(occurrences.map((o) => [o.file, `${o.line}:${o.column}`, o.raw, o.reference, o.context, o.note])).toEqual([
      ['c2platform-mw/group_vars/all.yml', '6:12', 'busybox', 'docker.io/library/busybox', '[4].community.docker.docker_container.image (item.image)', 'item 0 of the list docker_containers'],
    ]);
  });

  it('reads how a task configures its container, for the least-privilege rules (ansible-nas glances), in a repository that is the role too', async () => {
    for (const [kind, path] of [['ansible', 'ansible-nas/roles/glances/tasks/main.yml'], ['ansible/ansible-nas/roles/glances', 'tasks/main.yml']]) {
      const { occurrences, containers } = await extractFixture(ansibleDiscoverer, kind, path);
      expect(occurrences.map((o) => o.reference)).toEqual(['docker.io/nicolargo/glances:latest']);
      expect(containers?.map((c) => [c.kind, c.name, c.line, c.hostPaths.map((p) => p.value), c.hostNamespaces.map((n) => n.value), c.privileged?.value])).toEqual([
        ['ansible', 'task "Create Glances Docker Container"', 7, ['/var/run/docker.sock', '/etc/timezone'], ['pid_mode: host'], undefined],
      ]);
    }
  });

  it('reads a setting written with variables by their values, and podman names', async () => {
    const text = [
      '- hosts: all',
      '  vars: {data: /srv/app, net: host, who: root}',
      '  tasks:',
      '    - name: app',
      '      containers.podman.podman_container:',
      '        image: docker.io/library/redis:7',
      '        network: "{{ net }}"',
      '        user: "{{ who }}"',
      '        cap_add: [SYS_ADMIN]',
      '        privileged: true',
      '        volumes: ["{{ data }}:/data", "named:/cache"]',
      '        mounts: [{type: bind, source: /etc, target: /host-etc}]',
      '',
    ].join('\n');
    const { containers } = await ansibleDiscoverer.extract({ path: 'site.yml', text }, { buildArgs: {}, readFile: async () => undefined });
    expect(containers?.map((c) => [c.user?.value, c.privileged?.value, c.addedCapabilities.map((x) => x.value), c.hostNamespaces.map((n) => n.value), c.hostPaths.map((p) => p.value)])).toEqual([
      ['root', true, ['SYS_ADMIN'], ['network: host'], ['/srv/app', '/etc']],
    ]);
  });

  it.each([
    ['{{ a }}:{{ b }}', 'x:1.10'],
    ["{{ missing | default('fallback') }}", 'fallback'],
    ['{{ missing | d("fallback") }}', 'fallback'],
    ['{{ nested }}', 'x-x'],
    ['{{ loop }}', { unresolved: 'the Ansible variable loop refers to variables nested past 8 levels' }],
    ['{{ a | upper }}', { unresolved: 'the Ansible expression {{ a | upper }} is only known when the play runs' }],
    ['{% if a %}x{% endif %}', { unresolved: 'a Jinja statement in {% if a %}x{% endif %} is only evaluated when the play runs' }],
  ])('evaluates %s', (text, expected) => {
    const vars = new Map([['a', 'x'], ['b', '1.10'], ['nested', '{{ a }}-{{ a }}'], ['loop', '{{ loop }}']]);
    expect(evaluateJinja(text, vars)).toEqual(expected);
  });

  it('claims YAML naming a container module, not other YAML', () => {
    const tasks = fixture('ansible', 'playbook.yml');
    expect(ansibleDiscoverer.matches('site.yml', tasks.text)).toBe(true);
    expect(ansibleDiscoverer.matches('site.yml', '- hosts: all\n  tasks:\n    - ansible.builtin.apt: {name: docker_ce}\n')).toBe(false);
    expect(ansibleDiscoverer.matches('notes.txt', tasks.text)).toBe(false);
  });
});

describe('molecule', () => {
  it("reads a scenario's platform image with the default its environment variable takes (geerlingguy/ansible-role-docker)", async () => {
    const { occurrences } = await extractFixture(moleculeDiscoverer, 'ansible', 'role-docker/molecule/default/molecule.yml');
    expect(occurrences.map((o) => [o.line, o.reference, o.note])).toEqual([
      [11, 'docker.io/geerlingguy/docker-rockylinux9-ansible:latest', 'with the defaults its ${} variables take when the environment does not set them'],
    ]);
  });

  it('reads a platform image written as is (davestephens/ansible-nas znc)', async () => {
    const { occurrences } = await extractFixture(moleculeDiscoverer, 'ansible', 'ansible-nas/roles/znc/molecule/default/molecule.yml');
    expect(occurrences.map((o) => o.reference)).toEqual(['docker.io/geerlingguy/docker-ubuntu2204-ansible:latest']);
  });

  it('leaves a variable without a default unresolved, and reads no machine image of another driver', async () => {
    const unset = await moleculeDiscoverer.extract({ path: 'molecule/default/molecule.yml', text: 'platforms:\n  - name: i\n    image: "acme/${DISTRO}-ansible"\n' }, { buildArgs: {}, readFile: async () => undefined });
    expect(unset.occurrences[0]?.problem?.kind).toBe('unresolved');
    const ec2 = await moleculeDiscoverer.extract({ path: 'molecule/default/molecule.yml', text: 'driver:\n  name: ec2\nplatforms:\n  - name: i\n    image: ami-0123456789abcdef0\n' }, { buildArgs: {}, readFile: async () => undefined });
    expect(ec2.occurrences).toEqual([]);
  });

  // Crafted (hostile shapes): nine variables each writing the next ten times, the last empty, took
  // 10^8 evaluations (hours at sixteen) for a text that never grows; a task 20 blocks deep was passed over without a word.
  it('bounds the expressions a text takes through its variables', async () => {
    const { occurrences, errors } = await ansibleDiscoverer.extract(fixture('ansible', 'hostile/roles/fanout/tasks/main.yml'), fixtureContext('ansible'));
    expect({ errors, found: occurrences.map((o) => o.reference ?? o.problem?.message) }).toEqual({ errors: undefined, found: ['the Ansible variables take more than 1000 expressions to evaluate'] });
  });

  // Crafted: each task loops over an anchored list of 200 items in a few bytes, so a 421 KB playbook of
  // 7,000 tasks made 1.4 million images and the scan died (Invalid string length, 92 s, 2.8 GB).
  it('reads at most 10,000 loop items in a file, and says it stopped', async () => {
    const items = Array.from({ length: 200 }, (_, index) => `"i${index}"`).join(', ');
    const tasks = Array.from({ length: 59 }, () => '    - {docker_container: {image: "a:{{ item }}"}, loop: *i}\n').join('');
    const text = `- hosts: all\n  tasks:\n    - docker_container: {image: "a:{{ item }}"}\n      loop: &i [${items}]\n${tasks}`;
    const { occurrences, errors } = await ansibleDiscoverer.extract({ path: 'playbook.yml', text }, fixtureContext('ansible'));
    expect(occurrences).toHaveLength(10_000);
    expect(errors).toEqual(["the tasks' loops run more than 10,000 items in this file: the items past that were not read"]);
  });

  // Crafted: each block or task with vars of its own copied every variable in scope (and each loop
  // item copied them again), so a 764 KB playbook of 5,000 such tasks under 30,000 play vars ran past
  // two minutes. No duration is asserted: copied, these 4,000 tasks under 20,000 vars run past the test timeout.
  it('looks variables up through the scopes that set them, never copying them per task', async () => {
    const vars = Array.from({ length: 20_000 }, (_, index) => `    v${index}: x\n`).join('');
    const tasks = Array.from({ length: 4_000 }, (_, index) => `    - {vars: {t: "${index}"}, docker_container: {name: x, image: "a:{{ t }}-{{ v0 }}"}}\n`).join('');
    const { occurrences } = await ansibleDiscoverer.extract({ path: 'playbook.yml', text: `- hosts: all\n  vars:\n${vars}  tasks:\n${tasks}` }, fixtureContext('ansible'));
    expect(occurrences).toHaveLength(4_000);
    expect(occurrences.at(-1)?.reference).toBe('docker.io/library/a:3999-x');
  });

  it('says a container task nested past the bound was not read', async () => {
    const { occurrences, errors } = await ansibleDiscoverer.extract(fixture('ansible', 'hostile/deep-blocks.yml'), fixtureContext('ansible'));
    expect(occurrences).toEqual([]);
    expect(errors).toEqual([expect.stringMatching(/^tasks nest deeper than 32 levels: the container modules there were not read \(\[0\]\.tasks\[0\]\.block\[0\]/)]);
  });
});
