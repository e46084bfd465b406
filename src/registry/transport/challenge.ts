/**
 * Parses `WWW-Authenticate` challenges (RFC 7235 auth-params) as registries send them:
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"`
 * or `Basic realm="Registry Realm"`.
 */

export interface AuthChallenge {
  /** Lower-cased scheme: 'bearer', 'basic', or another the client does not speak. */
  scheme: string;
  /** Lower-cased parameter names. */
  params: Record<string, string>;
}

const MAX_HEADER = 8 * 1024;

/** Every challenge in the header, in order; unknown or malformed parts are skipped, never thrown. */
export function parseChallenges(header: string | null | undefined): AuthChallenge[] {
  if (!header) return [];
  const text = header.slice(0, MAX_HEADER);
  const challenges: AuthChallenge[] = [];
  let i = 0;
  let current: AuthChallenge | undefined;
  const skipSpaces = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  while (i < text.length) {
    skipSpaces();
    if (text[i] === ',') {
      i++;
      continue;
    }
    const tokenMatch = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(text.slice(i));
    if (!tokenMatch) {
      i++;
      continue;
    }
    const token = tokenMatch[0];
    i += token.length;
    skipSpaces();
    if (text[i] === '=' && current) {
      // A parameter of the current challenge.
      i++;
      skipSpaces();
      let value = '';
      if (text[i] === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          value += text[i];
          i++;
        }
        i++; // closing quote
      } else {
        const valueMatch = /^[^,\s]*/.exec(text.slice(i));
        value = valueMatch ? valueMatch[0] : '';
        i += value.length;
      }
      current.params[token.toLowerCase()] = value;
    } else {
      current = { scheme: token.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}
