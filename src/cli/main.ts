/**
 * Command-line interface: argument parsing and output over the engine. Exit status: 0 clean,
 * 1 findings at or above the failing severity, 2 usage or configuration error.
 */
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadPolicy } from '../config/load.js';
import type { Policy } from '../config/policy.js';
import { exitCodeFor } from '../checks/index.js';
import { scan } from '../engine.js';
import { applyPins, planPinsDetailed } from '../pin.js';
import { runVerifyBundle } from '../sigstore/conformance.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { credentialLocations } from '../registry/transport/credentials.js';
import { renderTextChunks, terminalSafe, type TextOptions } from '../report/text.js';
import { COLOURS, PLAIN, ProgressLine, useColour } from './terminal.js';
import { commandHelp, nearestFlag, parseOptions, PIN_FLAGS, SCAN_FLAGS, USAGE, type Flag } from './usage.js';
import { parseShard } from '../shard.js';
import { githubRepositoryOfClone } from './git-remote.js';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Environment (credentials, NO_COLOR, FORCE_COLOR, GITHUB_TOKEN); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (colour) and stderr is one (the progress line). */
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
}

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = ['error', 'warning', 'note', 'never'] as const;

class UsageError extends Error {
  /** The command whose flags the error is about, for the "run ... --help" pointer. */
  command?: 'scan' | 'pin';
}

/** A registry host with an optional port: a name, an IPv4 address or a bracketed IPv6 address. */
const INSECURE_HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::[0-9]{1,5})?$/;

/** The package version, injected by the bundler; "dev" when running from source. */
const VERSION: string = typeof __VERIFY_IMAGES_VERSION__ === 'string' ? __VERIFY_IMAGES_VERSION__ : 'dev';
declare const __VERIFY_IMAGES_VERSION__: string | undefined;

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  // `verify-images scan --help` is how people look up a command's options: answer it, not a usage error.
  if ((command === 'scan' || command === 'pin') && rest.some((arg) => arg === '--help' || arg === '-h')) {
    io.stdout(commandHelp(command));
    return 0;
  }
  if (command === 'verify-bundle' && rest.some((arg) => arg === '--help' || arg === '-h')) {
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
      case '--version':
      case '-V':
      case 'version':
        io.stdout(`verify-images ${VERSION}\n`);
        return 0;
      case '-h':
      case '--help':
      case 'help':
        io.stdout(USAGE);
        return 0;
      case undefined:
        io.stderr(USAGE);
        return 2;
      default: {
        const known = ['scan', 'pin', 'verify-bundle', 'help', '--version'];
        const close = nearestFlag(command, known.map((name) => ({ name: name.replace(/^--/, ''), type: 'boolean', description: '' })));
        throw new UsageError(`unknown command "${command}"${close ? ` (did you mean ${close.replace(/^--(?!version)/, '')}?)` : ''}`);
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      // Short: the problem, and where the flags are described.
      if (error.command) io.stderr(`verify-images: ${error.message}\nRun "verify-images ${error.command} --help" for every flag.\n`);
      else io.stderr(`verify-images: ${error.message}\n\n${USAGE}`);
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

/** A parse error of node:util's parseArgs, reworded in one line with the nearest flag. */
function usageErrorOf(error: { code?: string; message: string }, flags: Flag[], command: 'scan' | 'pin'): UsageError {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  let message = error.message.split('. ')[0];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const close = nearestFlag(quoted, flags);
    message = `unknown flag ${quoted}${close ? ` (did you mean ${close}?)` : ''}`;
  } else if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    message = /argument missing/.test(error.message) ? `${quoted.split(' ')[0]} needs a value` : `${quoted.split(' ')[0]} takes no value`;
  }
  const usage = new UsageError(message);
  usage.command = command;
  return usage;
}

function parse(args: string[], flags: Flag[], command: 'scan' | 'pin') {
  try {
    return parseArgs({ args, options: parseOptions(flags), allowPositionals: true, strict: true });
  } catch (error) {
    throw usageErrorOf(error as { code?: string; message: string }, flags, command);
  }
}

/** The `--insecure-registry` hosts: named by the person running the scan, they may receive credentials over plain HTTP. */
function operatorInsecureRegistries(values: Record<string, unknown>): string[] {
  return (values['insecure-registry'] as string[] | undefined) ?? [];
}

/** Shared by scan and pin: the directory and the policy with command-line overrides applied. */
async function loadRun(values: Record<string, unknown>, positionals: string[], io: CliIO, command: 'scan' | 'pin'): Promise<{ root: string; policy: Policy }> {
  if (positionals.length > 1) throw usageError(`expected one directory, got ${positionals.length}: ${positionals.map((arg) => `"${terminalSafe(arg)}"`).join(' ')}`, command);
  const root = path.resolve(io.cwd, positionals[0] ?? '.');
  // A mistyped DIR must not pass as "nothing found" (exit 0) in CI.
  const rootInfo = await stat(root).catch(() => undefined);
  if (!rootInfo) throw usageError(`${positionals[0] ?? '.'}: no such directory`, command);
  if (!rootInfo.isDirectory()) throw usageError(`${positionals[0]}: not a directory (DIR is the repository to scan)`, command);
  // --config is a path as the user typed it: relative to where they are, not to DIR.
  const configPath = values.config === undefined ? undefined : path.resolve(io.cwd, values.config as string);
  const policy = await loadPolicy(root, configPath);
  const insecure = (values['insecure-registry'] as string[] | undefined) ?? [];
  // Registries are matched by host as written in image references; a URL would silently match nothing.
  for (const host of insecure) {
    if (!INSECURE_HOST.test(host)) throw usageError(`--insecure-registry takes HOST[:PORT] as in image names, e.g. 127.0.0.1:5000 (got "${terminalSafe(host)}")`, command);
  }
  policy.insecureRegistries = [...policy.insecureRegistries, ...insecure];
  if (values.concurrency !== undefined) {
    const given = values.concurrency as string;
    const n = Number(given);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw usageError(`--concurrency takes an integer from 1 to 64 (registry requests in flight per registry), got "${terminalSafe(given)}"`, command);
    policy.registry.concurrency = n;
  }
  for (const pair of (values['build-arg'] as string[] | undefined) ?? []) {
    const separator = pair.indexOf('=');
    if (separator <= 0) throw usageError(`--build-arg takes NAME=VALUE, got "${terminalSafe(pair)}"`, command);
    policy.buildArgs[pair.slice(0, separator)] = pair.slice(separator + 1);
  }
  return { root, policy };
}

function usageError(message: string, command: 'scan' | 'pin'): UsageError {
  const error = new UsageError(message);
  error.command = command;
  return error;
}

/** The scan with a progress line on stderr while registries are asked (a TTY only, and not with --verbose). */
async function scanWithProgress(options: Parameters<typeof scan>[0], values: Record<string, unknown>, io: CliIO): Promise<Awaited<ReturnType<typeof scan>>> {
  const progress = new ProgressLine((text) => io.stderr(text), Boolean(io.stderrIsTTY) && !values.verbose && !options.offline);
  try {
    return await scan({ ...options, onProgress: (done, total) => progress.update('Resolving images', done, total) });
  } finally {
    progress.done();
  }
}

async function scanCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, SCAN_FLAGS, 'scan');
  const format = (values.format as string | undefined) ?? 'text';
  if (!FORMATS.includes(format as Format)) throw usageError(`--format must be one of ${FORMATS.join(', ')} (got "${terminalSafe(format)}")`, 'scan');
  const failOn = values['fail-on'] as string | undefined;
  if (failOn !== undefined && !FAIL_ON.includes(failOn as (typeof FAIL_ON)[number])) {
    throw usageError(`--fail-on must be one of ${FAIL_ON.join(', ')} (got "${terminalSafe(failOn)}")`, 'scan');
  }
  const shard = values.shard === undefined ? undefined : parseShard(values.shard as string);
  if (shard && 'problem' in shard) throw usageError(`--shard ${terminalSafe(shard.problem)}`, 'scan');
  const { root, policy } = await loadRun(values, positionals, io, 'scan');
  if (failOn) policy.failOn = failOn as Policy['failOn'];
  const env = await scanEnvironment(io, root);
  const result = await scanWithProgress(
    {
      root,
      policy,
      offline: Boolean(values.offline),
      shard,
      insecureRegistries: operatorInsecureRegistries(values),
      log: verboseLog(values, io),
      env,
      // Like gh and most tools: a GitHub token in the environment is used for ghcr.io, and only there.
      githubToken: env.GITHUB_TOKEN || env.GH_TOKEN || undefined,
    },
    values,
    io,
  );
  const colour = format === 'text' && !values.output && useColour({ isTTY: Boolean(io.stdoutIsTTY), env });
  const rendered = render(format as Format, result, { style: colour ? COLOURS : PLAIN, credentialPlaces: credentialLocations(env) });
  if (values.output) {
    try {
      await writeFile(path.resolve(io.cwd, values.output as string), rendered);
    } catch (error) {
      throw usageError(`cannot write --output ${values.output as string}: ${(error as Error).message}`, 'scan');
    }
    io.stderr(`verify-images: wrote ${format} report to ${values.output as string}\n`);
  } else {
    // The text report comes in chunks, written as they are made (never held whole).
    for (const chunk of rendered) io.stdout(chunk);
  }
  return exitCodeFor(result.findings, policy.failOn, result.errors);
}

/**
 * The environment a command-line scan runs with: GITHUB_REPOSITORY, when not set, is the github.com
 * repository the scanned clone came from, so that the owner's own ghcr.io images are the owner's.
 */
async function scanEnvironment(io: CliIO, root: string): Promise<NodeJS.ProcessEnv> {
  const env = io.env ?? process.env;
  if (env.GITHUB_REPOSITORY) return env;
  const repository = await githubRepositoryOfClone(root);
  return repository === undefined ? env : { ...env, GITHUB_REPOSITORY: repository };
}

/** Registry requests and progress go to stderr only with --verbose; the report says what matters. */
function verboseLog(values: Record<string, unknown>, io: CliIO): ((message: string) => void) | undefined {
  return values.verbose ? (message) => io.stderr(terminalSafe(message) + '\n') : undefined;
}

async function pinCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, PIN_FLAGS, 'pin');
  const { root, policy } = await loadRun(values, positionals, io, 'pin');
  // Pinning needs the tags' digests, not signatures.
  policy.signatures.mode = 'off';
  const env = await scanEnvironment(io, root);
  const result = await scanWithProgress(
    { root, policy, offline: false, insecureRegistries: operatorInsecureRegistries(values), log: verboseLog(values, io), env, githubToken: env.GITHUB_TOKEN || env.GH_TOKEN || undefined },
    values,
    io,
  );
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

function render(format: Format, result: Awaited<ReturnType<typeof scan>>, textOptions: TextOptions): Iterable<string> {
  switch (format) {
    case 'json':
      return [renderJson(result)];
    case 'text':
      return renderTextChunks(result, textOptions);
    case 'sarif':
      return [renderSarif(result, { toolVersion: VERSION })];
    case 'markdown':
      return [renderMarkdown(result)];
  }
}
