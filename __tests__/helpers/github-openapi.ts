/**
 * Checks requests against GitHub's published REST API description
 * (@octokit/openapi, api.github.com.deref.json): the operation must exist for the method and path,
 * and a JSON body must match the operation's requestBody schema. Stricter than GitHub in one way:
 * properties the schema does not declare are rejected, so a misspelt parameter is caught.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

interface Operation {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  operationId?: string;
}

interface Route {
  template: string;
  pattern: RegExp;
  operations: Record<string, Operation>;
}

let routes: Route[] | undefined;
const validators = new Map<string, ValidateFunction>();
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

function loadRoutes(): Route[] {
  if (routes) return routes;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.deref.json');
  const description = JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, Operation>> };
  routes = Object.entries(description.paths).map(([template, operations]) => ({
    template,
    // Literal segments first when matching: /pulls/comments/{id} before /pulls/{pull_number}/...
    pattern: new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$'),
    operations,
  }));
  routes.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  return routes;
}

/** Adds `additionalProperties: false` wherever an object schema lists its properties and says nothing else. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([name, sub]) => [name, closed(sub)])) : closed(value);
  if (copy.properties && copy.additionalProperties === undefined && !copy.anyOf && !copy.oneOf && !copy.allOf) copy.additionalProperties = false;
  return copy;
}

export interface RequestCheck {
  /** "METHOD /template", when the operation exists. */
  operation?: string;
  problems: string[];
}

/** Validates one request; `path` is the URL path below the API root (no query string). */
export function checkRequest(method: string, path: string, body: unknown): RequestCheck {
  const lower = method.toLowerCase();
  const route = loadRoutes().find((candidate) => candidate.pattern.test(path) && candidate.operations[lower]);
  if (!route) return { problems: [`${method} ${path} is not an operation of the GitHub REST API`] };
  const operation = route.operations[lower];
  const name = `${method.toUpperCase()} ${route.template}`;
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  if (body === undefined || body === '' || body === null) return { operation: name, problems: [] };
  if (!schema) return { operation: name, problems: [`${name} takes no JSON body, got ${JSON.stringify(body).slice(0, 200)}`] };
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.compile(closed(schema) as object);
    validators.set(name, validate);
  }
  if (validate(body)) return { operation: name, problems: [] };
  return { operation: name, problems: (validate.errors ?? []).map((error) => `${name}: body${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`) };
}
