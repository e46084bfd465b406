/** Helm charts: values files and templates, two discoverers of kind 'helm' registered together. */
import { helmTemplatesDiscoverer } from './helm-templates.js';
import { helmValuesDiscoverer } from './helm-values.js';
import type { Discoverer } from './types.js';

export { helmTemplatesDiscoverer, helmValuesDiscoverer };

/** Both Helm discoverers; a file matches at most one of them (values files never sit under templates/). */
export const helmDiscoverers: Discoverer[] = [helmValuesDiscoverer, helmTemplatesDiscoverer];
