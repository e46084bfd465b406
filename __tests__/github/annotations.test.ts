/**
 * Issue 12.9: text from the repository (file names, messages, policy keys) cannot split a workflow
 * command. Driven through the real `@actions/core`, reading what it writes to stdout as the runner
 * would: one command per line.
 */
import * as core from '@actions/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, parsePolicy } from '../../src/config/load.js';
import { annotate, logLine } from '../../src/github/annotations.js';
import type { Finding } from '../../src/model.js';

const INJECTION = 'x\n::error file=evil.yml,line=1::forged\r\n::add-mask::y\r::stop-commands::z';

function captureStdout(run: () => void): string[] {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return written.join('').split('\n').filter((line) => line !== '');
}

afterEach(() => vi.restoreAllMocks());

describe('annotations', () => {
  it('every field a repository controls stays inside its one command', () => {
    const finding: Finding = {
      rule: 'file-not-scanned',
      severity: 'error',
      file: `dir${INJECTION}/Dockerfile`,
      line: 1,
      column: 1,
      reference: null,
      raw: INJECTION,
      message: `message ${INJECTION}`,
      suggestion: `fix ${INJECTION}`,
    };
    const warning: Finding = { ...finding, severity: 'warning', rule: 'unpinned' };
    const lines = captureStdout(() => annotate([finding, warning], core, `root${INJECTION}`));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^::error title=verify-images%3A file-not-scanned,file=root[^\r\n]*::message x%0A::error/);
    expect(lines[1]).toMatch(/^::warning /);
    for (const line of lines) expect(line).not.toMatch(/\r/);
  });

  it('a policy key holding a line break is one error command', () => {
    let error: ConfigError | undefined;
    try {
      parsePolicy(`"bad${INJECTION.replaceAll('\n', '\\n').replaceAll('\r', '\\r')}": 1\n`, { root: '/repo', label: '.github/verify-images.yml' });
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = captureStdout(() => {
      for (const issue of error!.issues) core.error(`policy ${error!.file}: ${issue.message}`);
    });
    expect(lines).toHaveLength(error!.issues.length);
    for (const line of lines) expect(line).toMatch(/^::error::policy /);
  });
});

describe('logLine', () => {
  it('keeps repository text on one log line', () => {
    expect(logLine(`scanning ${INJECTION}`)).toBe('scanning x\\n::error file=evil.yml,line=1::forged\\r\\n::add-mask::y\\r::stop-commands::z');
    expect(logLine('a\u2028b\u0085c')).not.toMatch(/[\u2028\u0085]/);
    const lines = captureStdout(() => core.info(logLine(`file a${INJECTION}`)));
    expect(lines).toHaveLength(1);
  });
});
