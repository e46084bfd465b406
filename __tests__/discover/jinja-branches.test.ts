// The `{% if %}` branches of a role's Jinja template that its defaults leave out: awx-operator at 1bc3422
// (fixtures/discover/kubernetes/jinja/README.md).
import { describe, expect, it } from 'vitest';
import { conditionHolds, jinjaIfBranches } from '../../src/discover/jinja-branches.js';
import { kubernetesDiscoverer } from '../../src/discover/kubernetes.js';
import type { DiscoverContext } from '../../src/discover/types.js';
import { fixture, fixtureContext } from './discover-helpers.js';

const TASK = 'jinja/awx-operator/roles/installer/templates/deployments/task.yaml.j2';

describe('settings in a branch the role defaults switch off', () => {
  it('are not judged: awx-operator writes privileged: true only under {% if task_privileged == true %}, false by default', async () => {
    const file = fixture('kubernetes', TASK);
    const line = file.text.split('\n').findIndex((text) => text.trim() === 'privileged: true') + 1;
    expect(line).toBe(237);
    const { containers } = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(containers?.length).toBeGreaterThan(0);
    expect(containers?.filter((container) => container.privileged !== undefined)).toEqual([]);
  });

  it('are judged when the defaults turn the branch on, or a condition is not read for certain', async () => {
    const template = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: task\n    image: quay.io/ansible/awx:24.6.1\n{% if task_privileged == true %}\n    securityContext:\n      privileged: true\n{% endif %}\n';
    for (const [defaults, kept] of [
      ['task_privileged: true\n', true],
      ['task_privileged: "{{ other }}"\n', true],
      ['other: 1\n', true],
      ['task_privileged: false\n', false],
      ['task_privileged: no\n', false],
    ] as const) {
      const files = new Map([['roles/awx/defaults/main.yml', defaults]]);
      const context: DiscoverContext = { buildArgs: {}, readFile: async (path) => files.get(path) };
      const { containers } = await kubernetesDiscoverer.extract({ path: 'roles/awx/templates/pod.yaml.j2', text: template }, context);
      expect(containers?.[0].privileged?.value, defaults).toBe(kept ? true : undefined);
    }
  });

  it('are judged in a template outside a role', async () => {
    const template = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: task\n    image: quay.io/ansible/awx:24.6.1\n{% if off %}\n    securityContext:\n      privileged: true\n{% endif %}\n';
    const { containers } = await kubernetesDiscoverer.extract({ path: 'templates/pod.yaml.j2', text: template }, { buildArgs: {}, readFile: async () => 'off: false\n' });
    expect(containers?.[0].privileged?.value).toBe(true);
  });
});

describe('jinja if branches', () => {
  it('runs from each if to its elif, else or endif, nested and inside other blocks', () => {
    const text = '{% if a %}A{% elif b %}B{% else %}C{% endif %}{% for x in y %}{%- if c -%}D{% if d %}E{% endif %}{% endif %}{% endfor %}';
    expect(jinjaIfBranches(text).map((branch) => [branch.condition, text.slice(branch.start, branch.end)])).toEqual([
      ['a', 'A'],
      ['d', 'E'],
      ['c', 'D{% if d %}E{% endif %}'],
    ]);
  });

  it('takes tags as the template engine does: not inside a comment', () => {
    const text = '{% if a %}A{# {% endif %} #}B{% endif %}';
    expect(jinjaIfBranches(text).map((branch) => [branch.condition, text.slice(branch.start, branch.end)])).toEqual([['a', 'A{# {% endif %} #}B']]);
  });

  it.each<[string, boolean | undefined]>([
    ['on', true],
    ['off', false],
    ['not off', true],
    ['off | bool', false],
    ['off == true', false],
    ['off == false', true],
    ['on != True', false],
    ["mode == 'native'", true],
    ['mode == "other"', false],
    ['count == 3', true],
    ['mode', undefined],
    ['missing', undefined],
    ['missing == true', undefined],
    ['on and off', undefined],
    ['on == other', undefined],
    ['later == true', undefined],
    [`${'x'.repeat(300)} == true`, undefined],
  ])('%s holds: %s', (condition, holds) => {
    const vars = new Map([['on', 'true'], ['off', 'False'], ['mode', "'native'"], ['count', '3'], ['later', '"{{ other }}"']]);
    expect(conditionHolds(condition, vars)).toBe(holds);
  });
});
