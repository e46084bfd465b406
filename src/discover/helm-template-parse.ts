/**
 * The parser of Go's text/template (`parse/parse.go`, `parse/node.go`): builds a template's node
 * tree once, with its `define`d (and `block`) templates by name. The executor walks these trees.
 */
import { lexTemplate, TemplateSyntaxError, type Token } from './helm-template-lex.js';

export { TemplateSyntaxError };

/**
 * A template past one of this reader's nesting bounds: not an error of Helm's (the template may be
 * valid), so the template went unread rather than being one Helm refuses.
 */
export class TemplateDepthError extends TemplateSyntaxError {}

/** `if`, `with` and `range`: a pipeline, the list it guards and the `else` list. */
export interface ControlNode {
  type: 'if' | 'with' | 'range';
  pipe: Pipe;
  list: TemplateNode[];
  elseList?: TemplateNode[];
  pos: number;
}

export type TemplateNode =
  | { type: 'text'; text: string; pos: number }
  | { type: 'action'; pipe: Pipe; pos: number }
  | ControlNode
  | { type: 'template'; name: string; pipe?: Pipe; pos: number }
  | { type: 'break' | 'continue'; pos: number };

/** `$x := cmd | cmd`: declared (or assigned) variables and the commands. */
export interface Pipe {
  decl: string[];
  isAssign: boolean;
  cmds: Arg[][];
  pos: number;
}

export type Arg =
  | { type: 'field'; path: string[] }
  | { type: 'variable'; name: string; path: string[] }
  | { type: 'dot' }
  | { type: 'identifier'; name: string }
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'nil' }
  | { type: 'pipe'; pipe: Pipe }
  | { type: 'chain'; base: Arg; path: string[] };

export interface ParsedTemplate {
  root: TemplateNode[];
  /** `define "name"` and `block "name"` bodies. */
  defines: Map<string, TemplateNode[]>;
}

/** Bounds: templates nesting deeper than this are generated, not written. */
const MAX_DEPTH = 200;
/**
 * Parenthesized pipelines inside one another: the real charts tried nest 5 at most. Each level is
 * four frames of this recursive parser (and of the executor), so 2,000 levels overflowed the stack.
 */
const MAX_PAREN_DEPTH = 100;

/** A list with only whitespace text, which text/template lets a later definition replace. */
export function isEmptyList(nodes: TemplateNode[]): boolean {
  return nodes.every((node) => node.type === 'text' && node.text.trim() === '');
}

/**
 * The items in an array of their own length. An array grown by `push` has room for 16 more items,
 * and a chart's parse trees are kept for the whole scan (in the old generation, copied twice by the
 * young generation's collections on the way there): most commands and pipelines have one or two items.
 */
function trimmed<T>(items: T[]): T[] {
  return items.slice();
}

/** Parses template text. Throws TemplateSyntaxError where Helm would refuse the template. */
export function parseTemplate(text: string): ParsedTemplate {
  return new Parser(lexTemplate(text)).parse();
}

type Terminator = { keyword: 'end' | 'else'; pos: number; elseChain?: 'if' | 'with' } | { keyword: 'eof'; pos: number };

class Parser {
  private index = 0;
  private depth = 0;
  private parenDepth = 0;
  private readonly defines = new Map<string, TemplateNode[]>();

  constructor(private readonly tokens: Token[]) {}

  parse(): ParsedTemplate {
    const root: TemplateNode[] = [];
    const end = this.list(root, true);
    if (end.keyword !== 'eof') throw new TemplateSyntaxError(`unexpected {{${end.keyword}}}`, end.pos);
    return { root, defines: this.defines };
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  private next(): Token {
    const token = this.tokens[this.index++];
    if (!token) throw new TemplateSyntaxError('unexpected end of template', this.tokens[this.tokens.length - 1]?.pos ?? 0);
    return token;
  }

  private expect(type: Token['type'], context: string): Token {
    const token = this.next();
    if (token.type !== type) throw new TemplateSyntaxError(`unexpected ${JSON.stringify(token.value)} in ${context}`, token.pos);
    return token;
  }

  /** Nodes up to `{{end}}`, `{{else}}` or the end of the text, appended to `nodes`. */
  private list(nodes: TemplateNode[], topLevel = false): Terminator {
    if (++this.depth > MAX_DEPTH) throw new TemplateDepthError(`blocks nest deeper than ${MAX_DEPTH}`, this.peek()?.pos ?? 0);
    try {
      for (;;) {
        const token = this.peek();
        if (!token) return { keyword: 'eof', pos: this.tokens[this.tokens.length - 1]?.pos ?? 0 };
        if (token.type === 'text') {
          this.index++;
          nodes.push({ type: 'text', text: token.value, pos: token.pos });
          continue;
        }
        this.expect('open', 'template');
        const keyword = this.peek()?.type === 'identifier' ? this.peek()?.value : undefined;
        if (keyword === 'end' || keyword === 'else') return this.terminator(keyword);
        if (keyword === 'define') {
          if (!topLevel) throw new TemplateSyntaxError('define is only allowed at the top level', token.pos);
          this.define();
          continue;
        }
        nodes.push(this.action(keyword, token.pos));
      }
    } finally {
      this.depth--;
    }
  }

  private terminator(keyword: 'end' | 'else'): Terminator {
    const token = this.next();
    if (keyword === 'end') {
      this.expect('close', 'end');
      return { keyword, pos: token.pos };
    }
    const chained = this.peek();
    if (chained?.type === 'identifier' && (chained.value === 'if' || chained.value === 'with')) {
      // `{{else if ...}}`: the rest of the action belongs to a nested if, which consumes the `end`.
      this.index++;
      return { keyword, pos: token.pos, elseChain: chained.value };
    }
    this.expect('close', 'else');
    return { keyword, pos: token.pos };
  }

  private action(keyword: string | undefined, pos: number): TemplateNode {
    switch (keyword) {
      case 'if':
      case 'with':
      case 'range':
        this.index++;
        return this.control(keyword, pos);
      case 'template':
        this.index++;
        return this.templateCall(pos);
      case 'block':
        this.index++;
        return this.block(pos);
      case 'break':
      case 'continue':
        this.index++;
        this.expect('close', keyword);
        return { type: keyword, pos };
      default:
        return { type: 'action', pipe: this.pipeline('command', 'close'), pos };
    }
  }

  /** `if`/`with`/`range` after the keyword, through its `end` (an `else if` chain nests). */
  private control(type: 'if' | 'with' | 'range', pos: number): TemplateNode {
    const pipe = this.pipeline(type, 'close');
    const list: TemplateNode[] = [];
    const end = this.list(list);
    if (end.keyword === 'eof') throw new TemplateSyntaxError(`unexpected EOF in ${type}`, pos);
    if (end.keyword === 'end') return { type, pipe, list, pos };
    if (end.elseChain) {
      if (type === 'range') throw new TemplateSyntaxError(`else ${end.elseChain} in range`, end.pos);
      return { type, pipe, list, elseList: [this.control(end.elseChain, end.pos)], pos };
    }
    const elseList: TemplateNode[] = [];
    const elseEnd = this.list(elseList);
    if (elseEnd.keyword !== 'end') throw new TemplateSyntaxError(`expected end after else in ${type}`, elseEnd.pos);
    return { type, pipe, list, elseList, pos };
  }

  private templateCall(pos: number): TemplateNode {
    const name = this.expect('string', 'template clause').value;
    if (this.peek()?.type === 'close') {
      this.index++;
      return { type: 'template', name, pos };
    }
    return { type: 'template', name, pipe: this.pipeline('template', 'close'), pos };
  }

  /** `{{block "name" pipe}} body {{end}}`: defines the body and executes it in place. */
  private block(pos: number): TemplateNode {
    const node = this.templateCall(pos) as Extract<TemplateNode, { type: 'template' }>;
    const body: TemplateNode[] = [];
    const end = this.list(body);
    if (end.keyword !== 'end') throw new TemplateSyntaxError('expected end after block', pos);
    if (!this.defines.has(node.name)) this.defines.set(node.name, body);
    return node;
  }

  private define(): void {
    const at = this.next();
    const name = this.expect('string', 'define clause').value;
    this.expect('close', 'define clause');
    const body: TemplateNode[] = [];
    const end = this.list(body);
    if (end.keyword !== 'end') throw new TemplateSyntaxError('unexpected EOF in define', at.pos);
    // text/template: a second non-empty definition in one text is an error; across files the load order decides.
    const existing = this.defines.get(name);
    if (existing && !isEmptyList(existing) && !isEmptyList(body)) throw new TemplateSyntaxError(`multiple definition of template ${JSON.stringify(name)}`, at.pos);
    if (!existing || isEmptyList(existing)) this.defines.set(name, body);
  }

  /** A pipeline up to `end` (`}}` or `)`), with its variable declaration. */
  private pipeline(context: string, end: 'close' | 'rightParen'): Pipe {
    const pos = this.peek()?.pos ?? 0;
    const pipe: Pipe = { decl: [], isAssign: false, cmds: [], pos };
    this.declaration(pipe, context);
    const cmds: Arg[][] = [];
    for (;;) {
      const token = this.peek();
      if (token?.type === end) {
        this.index++;
        if (cmds.length === 0) throw new TemplateSyntaxError(`missing value for ${context}`, token.pos);
        pipe.cmds = trimmed(cmds);
        return pipe;
      }
      if (cmds.length > 0) this.expect('pipe', context);
      cmds.push(this.command(end));
    }
  }

  /** `$x :=`, `$x =`, `$i, $e :=` (range only). */
  private declaration(pipe: Pipe, context: string): void {
    const first = this.peek();
    const after = this.peek(1);
    if (first?.type !== 'variable' || !after) return;
    if (after.type === 'declare' || after.type === 'assign') {
      this.index += 2;
      pipe.decl = [first.value];
      pipe.isAssign = after.type === 'assign';
    } else if (after.type === 'comma' && context === 'range') {
      const second = this.peek(2);
      const op = this.peek(3);
      if (second?.type !== 'variable' || (op?.type !== 'declare' && op?.type !== 'assign')) throw new TemplateSyntaxError('bad range declaration', first.pos);
      this.index += 4;
      pipe.decl = [first.value, second.value];
      pipe.isAssign = op.type === 'assign';
    }
  }

  /** Operands separated by spaces, up to a pipe or the end. */
  private command(end: 'close' | 'rightParen'): Arg[] {
    const args: Arg[] = [];
    for (;;) {
      const token = this.peek();
      if (!token) throw new TemplateSyntaxError('unclosed action', 0);
      if (token.type === end || token.type === 'pipe') {
        if (args.length === 0) throw new TemplateSyntaxError('missing command', token.pos);
        return trimmed(args);
      }
      if (args.length > 0 && !token.spaced) throw new TemplateSyntaxError(`unexpected ${JSON.stringify(token.value)} in operand`, token.pos);
      args.push(this.operand());
    }
  }

  /** A term followed by `.field` chains written directly after it. */
  private operand(): Arg {
    const term = this.term();
    const path: string[] = [];
    while (this.peek()?.type === 'field' && !this.peek()?.spaced) path.push(this.next().value);
    if (path.length === 0) return term;
    switch (term.type) {
      case 'field':
        return { type: 'field', path: term.path.concat(path) };
      case 'variable':
        return { type: 'variable', name: term.name, path: term.path.concat(path) };
      case 'string':
      case 'number':
      case 'bool':
      case 'nil':
      case 'dot':
        throw new TemplateSyntaxError(`unexpected . after term ${JSON.stringify(term.type)}`, this.peek(-1)?.pos ?? 0);
      default:
        return { type: 'chain', base: term, path: trimmed(path) };
    }
  }

  private parenthesized(pos: number): Pipe {
    if (++this.parenDepth > MAX_PAREN_DEPTH) throw new TemplateDepthError(`parenthesized pipelines nest deeper than ${MAX_PAREN_DEPTH}`, pos);
    try {
      return this.pipeline('parenthesized pipeline', 'rightParen');
    } finally {
      this.parenDepth--;
    }
  }

  private term(): Arg {
    const token = this.next();
    switch (token.type) {
      case 'identifier':
        return { type: 'identifier', name: token.value };
      case 'dot':
        return { type: 'dot' };
      case 'nil':
        return { type: 'nil' };
      case 'variable':
        return { type: 'variable', name: token.value, path: [] };
      case 'field':
        return { type: 'field', path: [token.value] };
      case 'bool':
        return { type: 'bool', value: token.value === 'true' };
      case 'number':
        return { type: 'number', value: Number(token.value) };
      case 'string':
        return { type: 'string', value: token.value };
      case 'leftParen':
        return { type: 'pipe', pipe: this.parenthesized(token.pos) };
      default:
        throw new TemplateSyntaxError(`unexpected ${JSON.stringify(token.value)} in operand`, token.pos);
    }
  }
}
