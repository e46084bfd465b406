/**
 * Command-line interface: argument parsing and output over the engine. Exit status: 0 clean,
 * 1 findings at or above the failing severity, 2 usage or configuration error.
 */
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadPolicy } from '../config/load.js';
import type { Policy } from '../config/policy.js';
import { exitCodeFor } from '../checks/index.js';
import { scan } from '../engine.js';
import { applyPins, planPinsDetailed } from '../pin.js';
import { runVerifyBundle } from '../sigstore/conformance.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { renderText, terminalSafe } from '../report/text.js';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

export const USAGE = `Usage:
  verify-images scan [DIR] [--config FILE] [--offline] [--format text|json|sarif|markdown]
                     [--output FILE] [--fail-on error|warning|note|never]
                     [--insecure-registry HOST[:PORT]]... [--build-arg NAME=VALUE]... [--verbose]
  verify-images pin [DIR] [--write] [--update-stale] [--config FILE] [--insecure-registry HOST[:PORT]]...
                    [--build-arg NAME=VALUE]... [--verbose]
  verify-images verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key FILE)
                     [--trusted-root FILE] FILE_OR_DIGEST

Scans DIR (default: the current directory) for container image references and checks them
against the policy (.github/verify-images.yml, or embedded defaults).
`;

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = ['error', 'warning', 'note', 'never'] as const;

class UsageError extends Error {}

/** A registry host with an optional port: a name, an IPv4 address or a bracketed IPv6 address. */
const INSECURE_HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::[0-9]{1,5})?$/;

/** The package version, injected by the bundler; "dev" when running from source. */
export const VERSION: string = typeof __VERIFY_IMAGES_VERSION__ === 'string' ? __VERIFY_IMAGES_VERSION__ : 'dev';
declare const __VERIFY_IMAGES_VERSION__: string | undefined;

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  // `verify-images scan --help` is how people look up a command's options: answer it, not a usage error.
  if (['scan', 'pin', 'verify-bundle'].includes(command ?? '') && rest.some((arg) => arg === '--help' || arg === '-h')) {
    io.stdout(USAGE);
    return 0;
  }
  try {
    switch (command) {
      case 'scan':
        return await scanCommand(rest, io);
      case 'pin':
        return await pinCommand(rest, io);
      case 'verify-bundle':
        return await runVerifyBundle(rest);
      case '-h':
      case '--help':
      case 'help':
        io.stdout(USAGE);
        return 0;
      case undefined:
        io.stderr(USAGE);
        return 2;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`verify-images: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      // One line per problem; control characters are stripped within each line, not the line breaks.
      for (const line of error.message.split('\n')) io.stderr(`verify-images: ${terminalSafe(line)}\n`);
      return 2;
    }
    throw error;
  }
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The `--insecure-registry` hosts: named by the person running the scan, they may receive credentials over plain HTTP. */
function operatorInsecureRegistries(values: Record<string, unknown>): string[] {
  return (values['insecure-registry'] as string[] | undefined) ?? [];
}

/** Shared by scan and pin: the directory and the policy with command-line overrides applied. */
async function loadRun(values: Record<string, unknown>, positionals: string[], io: CliIO): Promise<{ root: string; policy: Policy }> {
  if (positionals.length > 1) throw new UsageError(`expected one directory, got ${positionals.length}`);
  const root = path.resolve(io.cwd, positionals[0] ?? '.');
  // A mistyped DIR must not pass as "nothing found" (exit 0) in CI.
  const rootInfo = await stat(root).catch(() => undefined);
  if (!rootInfo) throw new UsageError(`${positionals[0] ?? '.'}: no such directory`);
  if (!rootInfo.isDirectory()) throw new UsageError(`${positionals[0]}: not a directory (DIR is the repository to scan)`);
  // --config is a path as the user typed it: relative to where they are, not to DIR.
  const configPath = values.config === undefined ? undefined : path.resolve(io.cwd, values.config as string);
  const policy = await loadPolicy(root, configPath);
  const insecure = (values['insecure-registry'] as string[] | undefined) ?? [];
  // Registries are matched by host as written in image references; a URL would silently match nothing.
  for (const host of insecure) {
    if (!INSECURE_HOST.test(host)) throw new UsageError(`--insecure-registry takes HOST[:PORT] as in image names, e.g. 127.0.0.1:5000 (got "${host}")`);
  }
  policy.insecureRegistries = [...policy.insecureRegistries, ...insecure];
  for (const pair of (values['build-arg'] as string[] | undefined) ?? []) {
    const separator = pair.indexOf('=');
    if (separator <= 0) throw new UsageError(`--build-arg takes NAME=VALUE, got "${pair}"`);
    policy.buildArgs[pair.slice(0, separator)] = pair.slice(separator + 1);
  }
  return { root, policy };
}

async function scanCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, {
    config: { type: 'string' },
    offline: { type: 'boolean', default: false },
    format: { type: 'string', default: 'text' },
    output: { type: 'string' },
    'fail-on': { type: 'string' },
    'insecure-registry': { type: 'string', multiple: true },
    'build-arg': { type: 'string', multiple: true },
    verbose: { type: 'boolean', default: false },
  });
  const format = values.format as string;
  if (!FORMATS.includes(format as Format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const failOn = values['fail-on'] as string | undefined;
  if (failOn !== undefined && !FAIL_ON.includes(failOn as (typeof FAIL_ON)[number])) {
    throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}`);
  }
  const { root, policy } = await loadRun(values, positionals, io);
  if (failOn) policy.failOn = failOn as Policy['failOn'];

  const result = await scan({ root, policy, offline: Boolean(values.offline), insecureRegistries: operatorInsecureRegistries(values), log: verboseLog(values, io) });
  const rendered = render(format as Format, result);
  if (values.output) {
    try {
      await writeFile(path.resolve(io.cwd, values.output as string), rendered);
    } catch (error) {
      throw new UsageError(`cannot write --output ${values.output as string}: ${(error as Error).message}`);
    }
    io.stderr(`verify-images: wrote ${format} report to ${values.output as string}\n`);
  } else {
    io.stdout(rendered);
  }
  return exitCodeFor(result.findings, policy.failOn);
}

/** Registry requests and progress go to stderr only with --verbose; the report says what matters. */
function verboseLog(values: Record<string, unknown>, io: CliIO): ((message: string) => void) | undefined {
  return values.verbose ? (message) => io.stderr(terminalSafe(message) + '\n') : undefined;
}

async function pinCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, {
    config: { type: 'string' },
    write: { type: 'boolean', default: false },
    'update-stale': { type: 'boolean', default: false },
    'insecure-registry': { type: 'string', multiple: true },
    'build-arg': { type: 'string', multiple: true },
    verbose: { type: 'boolean', default: false },
  });
  const { root, policy } = await loadRun(values, positionals, io);
  // Pinning needs the tags' digests, not signatures.
  policy.signatures.mode = 'off';
  const result = await scan({ root, policy, offline: false, insecureRegistries: operatorInsecureRegistries(values), log: verboseLog(values, io) });
  const plan = planPinsDetailed(result.occurrences, result.sources, { updateStale: Boolean(values['update-stale']) });
  for (const edit of plan.edits) {
    io.stdout(`${terminalSafe(`${edit.file}:${edit.line}:${edit.column}`)}\n  - ${terminalSafe(edit.oldText)}\n  + ${terminalSafe(edit.newText)}\n`);
  }
  for (const { occurrence, reason } of plan.skipped) {
    io.stderr(`not pinned: ${terminalSafe(`${occurrence.file}:${occurrence.line}:${occurrence.column} ${occurrence.raw}`)}: ${terminalSafe(reason)}\n`);
  }
  if (plan.edits.length === 0) {
    const skipped = plan.skipped.length;
    io.stdout(skipped === 0 ? 'Nothing to pin.\n' : `Nothing to pin; ${skipped} reference${skipped === 1 ? '' : 's'} could not be pinned (listed with the reason).\n`);
    return 0;
  }
  if (!values.write) {
    io.stdout(`${plan.edits.length} edit${plan.edits.length === 1 ? '' : 's'} planned; run with --write to apply them.\n`);
    return 0;
  }
  const applied = await applyPins(root, plan.edits);
  let conflicts = 0;
  for (const file of applied) {
    conflicts += file.conflicts;
    io.stdout(`${terminalSafe(file.file)}: ${file.applied} pinned${file.unchanged ? `, ${file.unchanged} already pinned` : ''}${file.conflicts ? `, ${file.conflicts} not applied (the file changed)` : ''}\n`);
  }
  return conflicts > 0 ? 1 : 0;
}

function render(format: Format, result: Awaited<ReturnType<typeof scan>>): string {
  switch (format) {
    case 'json':
      return renderJson(result);
    case 'text':
      return renderText(result);
    case 'sarif':
      return renderSarif(result, { toolVersion: VERSION });
    case 'markdown':
      return renderMarkdown(result);
  }
}
