/**
 * The commands' flags, described once: `parseArgs` options, `<command> --help` and the nearest-flag
 * hint of a usage error are all made from these tables, so help cannot miss a flag.
 */
import type { ParseArgsConfig } from 'node:util';
import { levenshteinEditDistance } from 'levenshtein-edit-distance';

export interface Flag {
  name: string;
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown after the flag in help: "FILE", "HOST[:PORT]". */
  value?: string;
  description: string;
}

const CONFIG: Flag = { name: 'config', type: 'string', value: 'FILE', description: 'Policy file (default: DIR/.github/verify-images.yml, else the embedded defaults).' };
const INSECURE: Flag = {
  name: 'insecure-registry',
  type: 'string',
  multiple: true,
  value: 'HOST[:PORT]',
  description: 'Reach this registry over plain HTTP (repeatable). Credentials may be sent to it in clear text.',
};
const BUILD_ARG: Flag = { name: 'build-arg', type: 'string', multiple: true, value: 'NAME=VALUE', description: 'Value of a Dockerfile ARG, to resolve FROM lines (repeatable).' };
const CONCURRENCY: Flag = { name: 'concurrency', type: 'string', value: 'N', description: 'Registry requests in flight per registry, 1-64 (default: the policy’s registry.concurrency, 16).' };
const VERBOSE: Flag = { name: 'verbose', type: 'boolean', short: 'v', description: 'Log each registry request to stderr.' };
const HELP: Flag = { name: 'help', type: 'boolean', short: 'h', description: 'Show this help.' };

export const SCAN_FLAGS: Flag[] = [
  CONFIG,
  { name: 'offline', type: 'boolean', description: 'Do not ask registries: existence, digests and signatures are not checked (the report says so).' },
  { name: 'format', type: 'string', value: 'text|json|sarif|markdown', description: 'Report format (default text). json is the stable contract (schemaVersion 1).' },
  { name: 'output', type: 'string', short: 'o', value: 'FILE', description: 'Write the report to FILE instead of stdout.' },
  { name: 'fail-on', type: 'string', value: 'error|warning|note|never', description: 'Exit 1 when findings at or above this severity exist (default: the policy’s, error).' },
  INSECURE,
  BUILD_ARG,
  CONCURRENCY,
  { name: 'shard', type: 'string', value: 'K/N', description: 'Report only shard K of N of the files (a job matrix; every shard reads the whole repository).' },
  VERBOSE,
  HELP,
];

export const PIN_FLAGS: Flag[] = [
  { name: 'write', type: 'boolean', short: 'w', description: 'Apply the edits (default: print them).' },
  { name: 'update-stale', type: 'boolean', description: 'Re-pin references whose digest the tag no longer points to.' },
  CONFIG,
  INSECURE,
  BUILD_ARG,
  CONCURRENCY,
  VERBOSE,
  HELP,
];

export const COMMANDS: Record<'scan' | 'pin', { synopsis: string; summary: string; flags: Flag[] }> = {
  scan: {
    synopsis: 'verify-images scan [DIR] [flags]',
    summary:
      'Finds every container image DIR (default: the current directory) references and checks it against the policy:\n' +
      'typosquats, pinning, tags and digests at the registry, signatures. Exit status: 0 clean, 1 findings at or above\n' +
      '--fail-on, 2 usage or configuration error.',
    flags: SCAN_FLAGS,
  },
  pin: {
    synopsis: 'verify-images pin [DIR] [flags]',
    summary:
      'Pins every literal tag to its current digest, keeping the tag (nginx:1.27 -> nginx:1.27@sha256:...) and the\n' +
      "file's quoting and layout. Prints the edits; --write applies them. A second run changes nothing.",
    flags: PIN_FLAGS,
  },
};

export const USAGE = `Usage:
  verify-images scan [DIR] [--config FILE] [--offline] [--format text|json|sarif|markdown]
                     [--output FILE] [--fail-on error|warning|note|never]
                     [--insecure-registry HOST[:PORT]]... [--build-arg NAME=VALUE]... [--concurrency N]
                     [--shard K/N] [--verbose]
  verify-images pin [DIR] [--write] [--update-stale] [--config FILE] [--insecure-registry HOST[:PORT]]...
                    [--build-arg NAME=VALUE]... [--concurrency N] [--verbose]
  verify-images verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key FILE)
                     [--trusted-root FILE] FILE_OR_DIGEST
  verify-images --version

Scans DIR (default: the current directory) for container image references and checks them
against the policy (.github/verify-images.yml, or embedded defaults).
Run "verify-images scan --help" or "verify-images pin --help" for every flag.
`;

export function parseOptions(flags: Flag[]): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const flag of flags) {
    options[flag.name] = { type: flag.type, ...(flag.short ? { short: flag.short } : {}), ...(flag.multiple ? { multiple: true } : {}) };
  }
  return options;
}

/** `<command> --help`: the synopsis, what it does, and every flag with its description. */
export function commandHelp(command: keyof typeof COMMANDS): string {
  const { synopsis, summary, flags } = COMMANDS[command];
  const left = flags.map((flag) => `${flag.short ? `-${flag.short}, ` : '    '}--${flag.name}${flag.value ? ` ${flag.value}` : ''}`);
  const width = Math.max(...left.map((text) => text.length)) + 2;
  const lines = [`Usage: ${synopsis}`, '', summary, '', 'Flags:'];
  flags.forEach((flag, index) => lines.push(`  ${left[index].padEnd(width)}${flag.description}`));
  return lines.join('\n') + '\n';
}

/** The closest known flag to a mistyped one ("--ofline" -> "--offline"), within a few edits. */
export function nearestFlag(typed: string, flags: Flag[]): string | undefined {
  const name = typed.replace(/^-+/, '').split('=')[0].toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const flag of flags) {
    const distance = levenshteinEditDistance(name, flag.name);
    if (distance < bestDistance || (flag.name.startsWith(name) && name.length >= 3 && distance < bestDistance + 3)) {
      best = `--${flag.name}`;
      bestDistance = Math.min(distance, bestDistance);
    }
  }
  return best;
}
