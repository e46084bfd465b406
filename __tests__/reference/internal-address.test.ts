import { describe, expect, it } from 'vitest';
import { isInternalAddress } from '../../src/reference/index.js';

/** As a realm's host reaches the check: through the WHATWG URL parser, which canonicalizes IP forms. */
const hostOf = (url: string) => new URL(url).hostname;

describe('internal addresses (token realms a registry on the internet may not name)', () => {
  it.each([
    'http://localhost/', 'http://api.localhost/', 'http://127.0.0.1/', 'http://127.8.9.10/', 'http://0.0.0.0/', 'http://10.1.2.3/',
    'http://172.16.0.1/', 'http://172.31.255.255/', 'http://192.168.1.1/', 'http://169.254.169.254/', 'http://100.64.0.1/',
    'http://2852039166/', 'http://0xA9FEA9FE/', 'http://[::1]/', 'http://[::]/', 'http://[fe80::1]/', 'http://[febf::1]/',
    'http://[fc00::1]/', 'http://[fd12:3456::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a9fe:a9fe]/',
  ])('%s is internal', (url) => {
    expect(isInternalAddress(hostOf(url))).toBe(true);
  });

  it.each([
    'https://auth.docker.io/', 'https://ghcr.io/', 'http://8.8.8.8/', 'http://172.32.0.1/', 'http://172.15.0.1/', 'http://192.169.0.1/',
    'http://169.255.0.1/', 'http://100.128.0.1/', 'http://[2001:db8::1]/', 'http://[fec0::1]/', 'http://[::ffff:8.8.8.8]/', 'https://localhost.example.com/',
  ])('%s is not', (url) => {
    expect(isInternalAddress(hostOf(url))).toBe(false);
  });
});
