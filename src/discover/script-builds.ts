/**
 * Images the repository's own build scripts make: a shell script or a Makefile recipe that runs
 * `docker build -t NAME`, `docker tag SOURCE NAME` or `docker commit CONTAINER NAME` leaves NAME on
 * the machine, and a Dockerfile, compose file or manifest of the repository naming it runs that build
 * (envoyproxy/examples' `vrp-local/verify.sh` tags `envoy-google-vrp:local`, which its
 * `Dockerfile-vrp` starts `FROM`; rekor's `e2e-test.sh` builds the `gcp-pubsub-emulator` its test
 * compose file runs). Only a one-component name counts (built-images.ts), and not the name of a
 * Docker Official Image: a script that builds its own `redis` does not make every `redis` in the
 * repository its build.
 */
import type { Occurrence } from '../model.js';
import { CURRENT_OFFICIAL_IMAGES, REMOVED_OFFICIAL_IMAGES } from '../config/data/official-images.js';
import { localTagKey, markBuiltHere } from './built-images.js';
import { dockerBuiltNames } from './docker-cli.js';
import { baseName } from './image-site.js';
import { shellCommands } from './shell-commands.js';

/** Scripts read for what they build; a repository with more is read up to here (fewer images are known as built, none is hidden). */
const MAX_SCRIPTS = 2_000;
/** A script longer than this is not read for builds. */
export const MAX_SCRIPT_BYTES = 256 * 1024;
/** Text read from scripts in one scan, at most (UTF-16 code units). */
const MAX_TOTAL_TEXT = 32 * 1024 * 1024;

const MAKEFILE_NAMES = new Set(['Makefile', 'makefile', 'GNUmakefile']);
const OFFICIAL = new Set([...CURRENT_OFFICIAL_IMAGES, ...REMOVED_OFFICIAL_IMAGES].map((name) => `library/${name}:`));

function isMakefile(path: string): boolean {
  const name = baseName(path);
  return MAKEFILE_NAMES.has(name) || name.endsWith('.mk');
}

/** Whether a file is a build script read for the images it builds: a shell script or a Makefile. */
export function isBuildScript(path: string): boolean {
  const name = baseName(path);
  return name.endsWith('.sh') || name.endsWith('.bash') || isMakefile(path);
}

/**
 * A Makefile's recipes as the shell sees them, line for line: each recipe line (after its tab)
 * without the `@`, `-` and `+` make reads, other lines empty. A recipe line ending with a
 * backslash goes on, as make passes it, on the next line.
 */
function makefileRecipes(text: string): string {
  const lines = text.split('\n');
  let continued = false;
  return lines
    .map((line) => {
      const recipe = continued || line.startsWith('\t');
      continued = recipe && line.trimEnd().endsWith('\\');
      if (!recipe) return '';
      let at = 0;
      while (at < line.length && (line[at] === '\t' || line[at] === ' ' || line[at] === '@' || line[at] === '-' || line[at] === '+')) at++;
      return line.slice(at);
    })
    .join('\n');
}

/** What the repository's build scripts build: localTagKey -> the script that builds it. */
export class ScriptBuilds {
  private readonly built = new Map<string, string>();
  private scripts = 0;
  private textRead = 0;

  /** Whether another script may still be read. */
  get open(): boolean {
    return this.scripts < MAX_SCRIPTS && this.textRead < MAX_TOTAL_TEXT;
  }

  /** Records the one-component names a script builds, tags or commits. */
  record(path: string, text: string): void {
    if (!this.open) return;
    this.scripts++;
    this.textRead += text.length;
    if (!text.includes('docker')) return;
    const script = isMakefile(path) ? makefileRecipes(text) : text;
    for (const words of shellCommands(script)) {
      for (const name of dockerBuiltNames(words)) {
        const key = name.expands ? undefined : localTagKey(name.text);
        if (key === undefined || OFFICIAL.has(key.slice(0, key.indexOf(':') + 1)) || this.built.has(key)) continue;
        this.built.set(key, path);
      }
    }
  }

  /** The occurrences, those naming an image a build script builds marked as built here. */
  mark(occurrences: Occurrence[]): Occurrence[] {
    return markBuiltHere(occurrences, this.built);
  }
}
