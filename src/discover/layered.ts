/**
 * Variables in scope, looked up through the layers that set them (the last first) rather than copied
 * into one map: readers that copied a scope for every job, block or loop item were quadratic in
 * the variables a file sets (an Azure pipeline of 10,000 jobs under 30,000 variables took 4.5
 * minutes). A reader's walk bounds how many layers nest.
 */
export type Lookup<V> = Pick<ReadonlyMap<string, V>, 'get'>;

export function layered<V>(...layers: Array<Lookup<V>>): Lookup<V> {
  return {
    get(name) {
      for (let index = layers.length - 1; index >= 0; index--) {
        const value = layers[index].get(name);
        if (value !== undefined) return value;
      }
      return undefined;
    },
  };
}
