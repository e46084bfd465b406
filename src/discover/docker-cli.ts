/**
 * The image a `docker run`, `docker create` or `docker pull` command pulls (also `docker container
 * run`, `docker image pull`, and `sudo`, `env` or `timeout` in front), read from the command's words
 * as the Docker CLI parses its options. Only options the CLI documents are skipped: a command
 * with any other option, or with none of these subcommands, names no image here rather than a
 * guessed one.
 */
import { assignedName, type ShellWord } from './shell-commands.js';

/** Options of `docker run` and `docker create` that take a value (docker CLI 27 reference). */
const RUN_VALUE_OPTIONS = new Set([
  'add-host', 'annotation', 'attach', 'blkio-weight', 'blkio-weight-device', 'cap-add', 'cap-drop', 'cgroup-parent',
  'cgroupns', 'cidfile', 'cpu-count', 'cpu-percent', 'cpu-period', 'cpu-quota', 'cpu-rt-period', 'cpu-rt-runtime',
  'cpu-shares', 'cpus', 'cpuset-cpus', 'cpuset-mems', 'detach-keys', 'device', 'device-cgroup-rule', 'device-read-bps',
  'device-read-iops', 'device-write-bps', 'device-write-iops', 'dns', 'dns-option', 'dns-search', 'domainname',
  'entrypoint', 'env', 'env-file', 'expose', 'gpus', 'group-add', 'health-cmd', 'health-interval', 'health-retries',
  'health-start-interval', 'health-start-period', 'health-timeout', 'hostname', 'io-maxbandwidth', 'io-maxiops', 'ip',
  'ip6', 'ipc', 'isolation', 'kernel-memory', 'label', 'label-file', 'link', 'link-local-ip', 'log-driver', 'log-opt',
  'mac-address', 'memory', 'memory-reservation', 'memory-swap', 'memory-swappiness', 'mount', 'name', 'net', 'net-alias',
  'network', 'network-alias', 'oom-score-adj', 'pid', 'pids-limit', 'platform', 'publish', 'pull', 'restart', 'runtime',
  'security-opt', 'shm-size', 'stop-signal', 'stop-timeout', 'storage-opt', 'sysctl', 'tmpfs', 'ulimit', 'user',
  'userns', 'uts', 'volume', 'volume-driver', 'volumes-from', 'workdir',
]);
const RUN_FLAG_OPTIONS = new Set([
  'detach', 'disable-content-trust', 'help', 'init', 'interactive', 'no-healthcheck', 'oom-kill-disable', 'privileged',
  'publish-all', 'quiet', 'read-only', 'rm', 'sig-proxy', 'tty', 'use-api-socket',
]);
const RUN_VALUE_SHORT = new Set(['a', 'c', 'e', 'h', 'l', 'm', 'p', 'u', 'v', 'w']);
const RUN_FLAG_SHORT = new Set(['d', 'i', 't', 'P', 'q']);

const PULL_VALUE_OPTIONS = new Set(['platform']);
const PULL_FLAG_OPTIONS = new Set(['all-tags', 'disable-content-trust', 'quiet', 'help']);
const PULL_FLAG_SHORT = new Set(['a', 'q']);

/** Options of `docker` itself, before the subcommand. */
const GLOBAL_VALUE_OPTIONS = new Set(['config', 'context', 'host', 'log-level', 'tlscacert', 'tlscert', 'tlskey']);
const GLOBAL_FLAG_OPTIONS = new Set(['debug', 'tls', 'tlsverify']);
const GLOBAL_VALUE_SHORT = new Set(['c', 'H', 'l']);
const GLOBAL_FLAG_SHORT = new Set(['D']);

interface OptionGrammar {
  valueLong: ReadonlySet<string>;
  flagLong: ReadonlySet<string>;
  valueShort: ReadonlySet<string>;
  flagShort: ReadonlySet<string>;
}

const RUN: OptionGrammar = { valueLong: RUN_VALUE_OPTIONS, flagLong: RUN_FLAG_OPTIONS, valueShort: RUN_VALUE_SHORT, flagShort: RUN_FLAG_SHORT };
const PULL: OptionGrammar = { valueLong: PULL_VALUE_OPTIONS, flagLong: PULL_FLAG_OPTIONS, valueShort: new Set(), flagShort: PULL_FLAG_SHORT };
const GLOBAL: OptionGrammar = { valueLong: GLOBAL_VALUE_OPTIONS, flagLong: GLOBAL_FLAG_OPTIONS, valueShort: GLOBAL_VALUE_SHORT, flagShort: GLOBAL_FLAG_SHORT };

/** Shell words that may come before the command itself. */
const PREFIX_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'exec', 'command', 'nohup']);

/** A `docker` command's image and how it is pulled. */
export interface DockerCommandImage {
  word: ShellWord;
  /** `docker run`, `docker pull`, … as the command names it. */
  command: string;
}

/**
 * The index of the first option-free word at or after `from` (an option's value skipped), or -1 when
 * an option is not in the grammar (or a word holds an expansion where an option could be).
 */
function skipOptions(words: readonly ShellWord[], from: number, grammar: OptionGrammar): number {
  let index = from;
  while (index < words.length) {
    const { text } = words[index];
    if (text === '--') return index + 1;
    if (!text.startsWith('-') || text === '-') return index;
    const taken = optionLength(words, index, grammar);
    if (taken === 0) return -1;
    index += taken;
  }
  return -1;
}

/** How many words the option at `index` takes (1 or 2), or 0 when it is not one of the grammar's. */
function optionLength(words: readonly ShellWord[], index: number, grammar: OptionGrammar): number {
  const text = words[index].text;
  if (text.startsWith('--')) {
    const equals = text.indexOf('=');
    const name = text.slice(2, equals < 0 ? undefined : equals);
    if (grammar.flagLong.has(name)) return 1;
    if (!grammar.valueLong.has(name)) return 0;
    return equals >= 0 ? 1 : 2;
  }
  // A cluster of short options (`-it`, `-dp 8080:80`, `-eKEY=value`): flags, then perhaps one that takes a value.
  for (let position = 1; position < text.length; position++) {
    const letter = text[position];
    if (grammar.flagShort.has(letter)) continue;
    if (!grammar.valueShort.has(letter)) return 0;
    return position === text.length - 1 ? 2 : 1;
  }
  return 1;
}

/** The index of the command word after assignments, keywords, `sudo`, `env` and `timeout`, or -1. */
function commandStart(words: readonly ShellWord[]): number {
  let index = 0;
  while (index < words.length) {
    const { text, quoted } = words[index];
    if (!quoted && assignedName(text) !== undefined) index++;
    else if (PREFIX_KEYWORDS.has(text)) index++;
    else if (text === 'sudo' || text === 'env') index = skipWrapperOptions(words, index + 1, text === 'sudo' ? ['u', 'g', 'C', 'h', 'p', 'U', 'r', 't'] : ['u', 'C', 'S']);
    else if (text === 'timeout') index = skipWrapperOptions(words, index + 1, ['s', 'k']) + 1;
    else return index;
    if (index < 0) return -1;
  }
  return -1;
}

/** Past the options of a wrapper command (`sudo -E -u ci`); `withValue` lists its short options that take a value. */
function skipWrapperOptions(words: readonly ShellWord[], from: number, withValue: readonly string[]): number {
  let index = from;
  while (index < words.length && words[index].text.startsWith('-') && words[index].text !== '-') {
    const text = words[index].text;
    index += text.length === 2 && withValue.includes(text[1]) ? 2 : 1;
  }
  return index;
}


/** The subcommand grammar and where its arguments start, for `run`, `create`, `pull`, `container run|create`, `image pull`. */
function subcommand(words: readonly ShellWord[], index: number): { grammar: OptionGrammar; name: string; next: number } | undefined {
  const first = words[index]?.text;
  if (first === 'run' || first === 'create') return { grammar: RUN, name: first, next: index + 1 };
  if (first === 'pull') return { grammar: PULL, name: first, next: index + 1 };
  const second = words[index + 1]?.text;
  if (first === 'container' && (second === 'run' || second === 'create')) return { grammar: RUN, name: `container ${second}`, next: index + 2 };
  if (first === 'image' && second === 'pull') return { grammar: PULL, name: 'image pull', next: index + 2 };
  return undefined;
}

/** The image a simple command pulls with the Docker CLI, if it is such a command and its options are all known. */
export function dockerCommandImage(words: readonly ShellWord[]): DockerCommandImage | undefined {
  const start = commandStart(words);
  if (start < 0 || words[start].text !== 'docker') return undefined;
  const afterGlobals = skipOptions(words, start + 1, GLOBAL);
  if (afterGlobals < 0) return undefined;
  const command = subcommand(words, afterGlobals);
  if (command === undefined) return undefined;
  const imageIndex = skipOptions(words, command.next, command.grammar);
  const word = imageIndex < 0 ? undefined : words[imageIndex];
  return word === undefined ? undefined : { word, command: `docker ${command.name}` };
}

/** `docker commit`'s options (`-a`, `-c`, `-m` take a value; `-p` is `--pause`). */
const COMMIT: OptionGrammar = { valueLong: new Set(['author', 'change', 'message']), flagLong: new Set(['pause']), valueShort: new Set(['a', 'c', 'm']), flagShort: new Set(['p']) };

/** The image `docker commit [OPTIONS] CONTAINER REPOSITORY[:TAG]` writes from the words after `commit` (none without a name). */
function committedName(words: readonly ShellWord[], from: number): ShellWord[] {
  const container = skipOptions(words, from, COMMIT);
  const name = container < 0 ? undefined : words[container + 1];
  return name === undefined || name.text.startsWith('-') ? [] : [name];
}

/** Options of `docker build` naming the image it writes (`-t`, `--tag`). */
const TAG_OPTIONS = new Set(['-t', '--tag']);

/**
 * The tag a bake override sets (`*.tags=app:ci`, `image-local.tags=app:ci`, as `--set` and
 * docker/bake-action's `set` input write it); undefined for any other override.
 */
export function bakeOverrideTag(override: string): string | undefined {
  const equals = override.indexOf('=');
  if (equals < 0) return undefined;
  const key = override.slice(0, equals).trim();
  if (!key.endsWith('.tags')) return undefined;
  const value = override.slice(equals + 1).trim();
  return value === '' ? undefined : value;
}

/** The tags `docker buildx bake --set <target>.tags=NAME` gives its builds. */
function bakeSetTags(words: readonly ShellWord[], from: number): ShellWord[] {
  const names: ShellWord[] = [];
  for (let index = from; index < words.length; index++) {
    const text = words[index].text;
    const override = text === '--set' ? words[++index]?.text : text.startsWith('--set=') ? text.slice('--set='.length) : undefined;
    const tag = override === undefined ? undefined : bakeOverrideTag(override);
    if (tag !== undefined) names.push({ ...words[index], text: tag });
  }
  return names;
}

/**
 * The names a command gives an image it builds or tags: `docker build -t NAME` (also `buildx build`,
 * `image build`, `--tag=NAME`), `docker buildx bake --set '*.tags=NAME'`, `docker tag SOURCE NAME`
 * (`image tag`) and `docker commit CONTAINER NAME` (`container commit`). Those images exist on the
 * machine afterwards: a later `docker run NAME` runs them, it does not pull them.
 */
export function dockerBuiltNames(words: readonly ShellWord[]): ShellWord[] {
  const start = commandStart(words);
  if (start < 0 || words[start].text !== 'docker') return [];
  const at = skipOptions(words, start + 1, GLOBAL);
  if (at < 0) return [];
  const first = words[at]?.text;
  const second = words[at + 1]?.text;
  const builds = first === 'build' || ((first === 'buildx' || first === 'image') && second === 'build');
  const tags = first === 'tag' || (first === 'image' && second === 'tag');
  if (first === 'commit' || (first === 'container' && second === 'commit')) return committedName(words, at + (first === 'commit' ? 1 : 2));
  if ((first === 'buildx' && second === 'bake') || first === 'bake') return bakeSetTags(words, at + (first === 'bake' ? 1 : 2));
  if (tags) {
    const operands = words.slice(at + (first === 'tag' ? 1 : 2)).filter((word) => !word.text.startsWith('-'));
    return operands.length === 2 ? [operands[1]] : [];
  }
  if (!builds) return [];
  const names: ShellWord[] = [];
  for (let index = at + 1; index < words.length; index++) {
    const text = words[index].text;
    const equals = text.indexOf('=');
    if (TAG_OPTIONS.has(text) && words[index + 1] !== undefined) names.push(words[++index]);
    else if (equals > 0 && text.slice(0, equals) === '--tag') names.push({ ...words[index], text: text.slice(equals + 1) });
  }
  return names;
}

/** Compose's own options before its subcommand (`docker compose -f a.yml -p app build`). */
const COMPOSE_GLOBAL: OptionGrammar = {
  valueLong: new Set(['file', 'project-name', 'project-directory', 'env-file', 'profile', 'ansi', 'parallel', 'progress']),
  flagLong: new Set(['all-resources', 'compatibility', 'dry-run', 'verbose', 'no-ansi']),
  valueShort: new Set(['f', 'p']),
  flagShort: new Set(),
};

/**
 * Whether a simple command builds the images of compose services: `docker compose build` (or
 * `docker-compose build`), and `up`, `run` or `create` with `--build`. Compose tags the build of
 * a service that names no `image:` `<project>-<service>`.
 */
export function composeBuildsServices(words: readonly ShellWord[]): boolean {
  const start = commandStart(words);
  if (start < 0) return false;
  let at: number;
  if (words[start].text === 'docker-compose') at = start + 1;
  else if (words[start].text === 'docker') {
    const afterGlobals = skipOptions(words, start + 1, GLOBAL);
    if (afterGlobals < 0 || words[afterGlobals].text !== 'compose') return false;
    at = afterGlobals + 1;
  } else return false;
  const sub = skipOptions(words, at, COMPOSE_GLOBAL);
  if (sub < 0) return false;
  const name = words[sub].text;
  if (name === 'build') return true;
  return (name === 'up' || name === 'run' || name === 'create') && words.slice(sub + 1).some((word) => word.text === '--build');
}
