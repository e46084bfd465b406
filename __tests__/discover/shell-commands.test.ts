import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellCommands } from '../../src/discover/shell-commands.js';
import { githubWorkflowDiscoverer } from '../../src/discover/github.js';

const texts = (script: string) => shellCommands(script).map((words) => words.map((word) => word.text));

describe('shellCommands', () => {
  it('splits commands at newlines and operators, and keeps a continued line in its command', () => {
    expect(texts('a b; c && d || e | f & g\nh \\\n  i\n(j)')).toEqual([['a', 'b'], ['c'], ['d'], ['e'], ['f'], ['g'], ['h', 'i'], ['j']]);
  });

  it('removes quotes and backslashes, keeps expansions as written and marks them', () => {
    const commands = shellCommands(`run "a b" 'c $d' e\\ f "$X" \${Y:-z} $(cat "f") \`w\` \${{ matrix.x }}`);
    // The substitution's command runs first.
    expect(commands.map((command) => command[0].text)).toEqual(['cat', 'run']);
    const words = commands[1];
    expect(words.map((word) => [word.text, word.expands])).toEqual([
      ['run', false],
      ['a b', false],
      ['c $d', false],
      ['e f', false],
      ['$X', true],
      ['${Y:-z}', true],
      ['$(cat "f")', true],
      ['`w`', true],
      ['${{ matrix.x }}', true],
    ]);
  });

  it('places each word where it is written, and says when it is one quoted string', () => {
    const script = `docker run "img:1" x'y'z`;
    const [words] = shellCommands(script);
    expect(words.map((word) => [script.slice(word.start, word.end), word.quoted])).toEqual([
      ['docker', false],
      ['run', false],
      ['"img:1"', true],
      ["x'y'z", false],
    ]);
  });

  it('skips comments and here-document bodies (indented as in a YAML block)', () => {
    const script = '  # docker run a\n  cat <<EOF > x\n  docker run b\n  EOF\n  cat <<-\'END\'\n  docker run c\n  END\n  echo done # docker run d\n';
    expect(texts(script)).toEqual([['cat', '>', 'x'], ['cat'], ['echo', 'done']]);
  });

  it('reads a here-string as a redirection, not a here-document (linuxserver/docker-swag@bc02502 Jenkinsfile)', () => {
    const script = '  if grep -q \'docker-baseimage\' <<< "${LS_REPO}"; then\n    echo yes\n  fi\n  docker pull ghcr.io/linuxserver/ci:${CITEST_IMAGETAG}\n';
    expect(texts(script)).toEqual([['if', 'grep', '-q', 'docker-baseimage'], ['${LS_REPO}'], ['then'], ['echo', 'yes'], ['fi'], ['docker', 'pull', 'ghcr.io/linuxserver/ci:${CITEST_IMAGETAG}']]);
  });

  it("reads CircleCI's << parameters.x >> as part of a word when asked, and a here-document otherwise", () => {
    const script = 'docker run app:<< parameters.tag >> x\ncat <<EOF >> f\ndocker run y\nEOF\n';
    expect(shellCommands(script, 0, script.length, { configParameters: true }).map((words) => words.map((word) => [word.text, word.expands]))).toEqual([
      [['docker', false], ['run', false], ['app:<< parameters.tag >>', true], ['x', false]],
      [['cat', false], ['>>', false], ['f', false]],
    ]);
    expect(texts('docker run app:<< parameters.tag >> x')).toEqual([['docker', 'run', 'app:', '>>', 'x']]);
  });

  it('reads only [start, end) of the text', () => {
    const text = 'x: |\n  docker run a\nnext: 1\n';
    expect(shellCommands(text, 5, text.indexOf('next')).map((words) => words.map((word) => word.text))).toEqual([['docker', 'run', 'a']]);
  });

  it('never throws, and the words of each command lie in order inside the range, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\\', '"', "'", '`', '$', '(', ')', '{', '}', '#', '<', ';', '|') }), (script) => {
        for (const words of shellCommands(script)) {
          // A command substitution's commands come before the command holding it.
          let last = 0;
          for (const word of words) {
            expect(word.start).toBeGreaterThanOrEqual(last);
            expect(word.end).toBeGreaterThan(word.start);
            expect(word.end).toBeLessThanOrEqual(script.length);
            last = word.end;
          }
        }
      }),
    );
  });

  it('reads the commands a command substitution runs, where they are written, up to a bounded depth', () => {
    // emqx/emqx@50e0438, .github/workflows/build_and_push_docker_images.yaml: `CID=$(docker run -d -p 18083:18083 $_EMQX_DOCKER_IMAGE_TAG)`.
    const script = 'CID=$(docker run -d -p 18083:18083 $_EMQX_DOCKER_IMAGE_TAG)\nX=$((1 + 2)) "$(docker pull quoted:1)"';
    const commands = shellCommands(script);
    expect(commands.map((words) => words.map((word) => word.text))).toEqual([
      ['docker', 'run', '-d', '-p', '18083:18083', '$_EMQX_DOCKER_IMAGE_TAG'],
      ['CID=$(docker run -d -p 18083:18083 $_EMQX_DOCKER_IMAGE_TAG)'],
      ['X=$((1 + 2))', '$(docker pull quoted:1)'],
    ]);
    const image = commands[0][5];
    expect(script.slice(image.start, image.end)).toBe('$_EMQX_DOCKER_IMAGE_TAG');
    expect(texts('a $(b $(c $(d $(e $(f)))))').map((words) => words[0])).toEqual(['d', 'c', 'b', 'a']);
  });

  it('reads unclosed quotes, expansions and many here-documents once (no rescans)', () => {
    const many = '${{'.repeat(50_000) + '$('.repeat(50_000) + '<<A '.repeat(20_000) + '\n' + 'x\n'.repeat(20_000);
    const commands = shellCommands(many);
    expect(commands.length).toBeLessThanOrEqual(1);
  });
});

// Crafted by the offline audit (no real script has 200,000 words): the lexer stopped at its bound
// and returned what it had, so a `docker run` after the filler was never read and the scan passed.
describe('shellCommands past its bound', () => {
  it('throws rather than return a script cut short, and the file is then not read', async () => {
    const filler = 'echo ' + 'a '.repeat(200_000) + '\n';
    expect(shellCommands('echo ' + 'a '.repeat(1_000) + '\ndocker run evil/last:1\n')).toHaveLength(2);
    expect(() => shellCommands(filler + 'docker run evil/last:1\n')).toThrow('a script has more than 200,000 words: the rest of it was not read');
    const workflow = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          ' + filler + '          docker run evil/last:1\n';
    const context = { buildArgs: {}, readFile: async () => undefined };
    // The engine turns what a reader throws into a file-not-scanned error.
    await expect(async () => githubWorkflowDiscoverer.extract({ path: '.github/workflows/w.yml', text: workflow }, context)).rejects.toThrow(/more than 200,000 words/);
  });
});

