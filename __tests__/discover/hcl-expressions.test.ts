// The HCL expression reader Terraform's discoverer takes container definitions from.
import { describe, expect, it } from 'vitest';
import { heredocBody, hclTokens, readExpression, readHcl } from '../../src/discover/hcl.js';

describe('HCL expressions', () => {
  const expression = (text: string) => {
    const { root } = readHcl(text);
    return readExpression(text, root.attributes.get('x') ?? []);
  };

  it('reads objects (a computed key kept as written), tuples and calls; a for expression stays unread', () => {
    const value = expression('x = jsonencode([{ name = "a", image = "nginx:1.27" }, { (local.k) = 1 }])');
    expect(value.kind).toBe('call');
    if (value.kind !== 'call' || value.args[0].kind !== 'tuple') throw new Error('not a call of a tuple');
    const [first, second] = value.args[0].items;
    expect(first.kind === 'object' && first.entries.map((entry) => entry.key)).toEqual(['name', 'image']);
    expect(second.kind === 'object' && second.entries.map((entry) => entry.key)).toEqual(['(local.k)']);
    expect(expression('x = [for c in var.list : c.image]').kind).toBe('other');
    expect(expression('x = var.a ? "b" : "c"').kind).toBe('other');
  });

  it('separates object entries at line breaks', () => {
    const value = expression('x = {\n  image = "a"\n  user  = "0"\n}\n');
    expect(value.kind === 'object' && value.entries.map((entry) => entry.key)).toEqual(['image', 'user']);
  });

  it('gives a heredoc body between its marker lines', () => {
    const text = 'x = <<EOF\n[{"image": "a"}]\nEOF\n';
    const [token] = hclTokens(text).tokens.filter((t) => t.kind === 'heredoc');
    const [start, end] = heredocBody(text, token);
    expect(text.slice(start, end)).toBe('[{"image": "a"}]');
  });

  it('reads nesting deeper than its bound without recursing further', () => {
    const deep = `x = jsonencode(${'['.repeat(50_000)}${']'.repeat(50_000)})`;
    let value = expression(deep);
    let depth = 0;
    while (value.kind === 'call' || value.kind === 'tuple') {
      value = value.kind === 'call' ? value.args[0] : value.items[0];
      depth++;
    }
    expect(value.kind).toBe('other');
    expect(depth).toBeLessThanOrEqual(34);
  });
});
