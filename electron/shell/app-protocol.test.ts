// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mimeType, resolveAppRequest } from './app-protocol';

let root: string;
let rendererDir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'delegate-app-protocol-'));
  rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
  writeFileSync(join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(rendererDir, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(rendererDir, 'assets', 'my file.svg'), '<svg/>');
  writeFileSync(join(root, 'secret.txt'), 'secret');
  symlinkSync(join(root, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('resolveAppRequest', () => {
  it('serves index.html for the root and for client-side routes', () => {
    for (const url of ['app://ui', 'app://ui/', 'app://ui/index.html', 'app://ui/tasks/123', 'app://ui/?x=1#top']) {
      const res = resolveAppRequest(url, rendererDir);
      expect(res, url).toEqual({ kind: 'file', path: join(rendererDir, 'index.html'), mime: 'text/html; charset=utf-8' });
    }
  });

  it('serves built assets with their mime types, ignoring query and fragment', () => {
    expect(resolveAppRequest('app://ui/assets/index-abc.js?v=2', rendererDir)).toEqual({
      kind: 'file',
      path: join(rendererDir, 'assets', 'index-abc.js'),
      mime: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppRequest('app://ui/assets/index-abc.css', rendererDir)).toMatchObject({ mime: 'text/css; charset=utf-8' });
    expect(resolveAppRequest('app://ui/assets/my%20file.svg', rendererDir)).toMatchObject({ kind: 'file', mime: 'image/svg+xml' });
  });

  it('refuses path traversal in every spelling', () => {
    for (const url of [
      'app://ui/../../etc/passwd',
      'app://ui/../secret.txt',
      'app://ui/assets/../../secret.txt',
      'app://ui/%2e%2e/secret.txt',
      'app://ui/%2E%2E/%2e%2e/etc/passwd',
      'app://ui/.%2e/secret.txt',
      'app://ui/..%2fsecret.txt',
      'app://ui/..%5csecret.txt',
      'app://ui/..\\secret.txt',
      'app://ui/assets\\..\\..\\secret.txt',
      'app://ui/index.html%00.png',
      'app://ui/index.html\0',
      'app://ui/%252e%252e/secret.txt',
      'app://ui/./index.html',
      'app://ui/C:/Windows/win.ini',
      'app://ui//etc/passwd.txt',
      'app://ui/%E0%A4%A.js',
    ]) {
      expect(resolveAppRequest(url, rendererDir), url).toEqual({ kind: 'not_found' });
    }
  });

  it('refuses a symlink that points outside the renderer folder', () => {
    expect(resolveAppRequest('app://ui/assets/link.txt', rendererDir)).toEqual({ kind: 'not_found' });
  });

  it('refuses other hosts and schemes', () => {
    for (const url of [
      'app://other/index.html',
      'app://ui.evil/index.html',
      'app://ui:80/index.html',
      'app://user@ui/index.html',
      'file:///index.html',
      'https://ui/index.html',
      'app:ui/index.html',
      '',
    ]) {
      expect(resolveAppRequest(url, rendererDir), url).toEqual({ kind: 'not_found' });
    }
  });

  it('answers not_found for a missing file and for a directory', () => {
    expect(resolveAppRequest('app://ui/assets/missing.js', rendererDir)).toEqual({ kind: 'not_found' });
    expect(resolveAppRequest('app://ui/assets.js', rendererDir)).toEqual({ kind: 'not_found' });
    expect(resolveAppRequest('app://ui/', join(root, 'nowhere'))).toEqual({ kind: 'not_found' });
  });

  it('accepts the host and scheme in any case (Chromium lowercases them anyway)', () => {
    expect(resolveAppRequest('APP://UI/index.html', rendererDir)).toMatchObject({ kind: 'file' });
  });
});

describe('mimeType', () => {
  it('knows the types the renderer build emits and falls back to octet-stream', () => {
    expect(mimeType('a.woff2')).toBe('font/woff2');
    expect(mimeType('a.PNG')).toBe('image/png');
    expect(mimeType('a.wasm')).toBe('application/wasm');
    expect(mimeType('a.unknown')).toBe('application/octet-stream');
  });
});
