// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { externalUrlAllowed, isAllowedNavigation } from './url-policy';

describe('isAllowedNavigation', () => {
  it('allows only our own UI', () => {
    expect(isAllowedNavigation('app://ui/index.html')).toBe(true);
    expect(isAllowedNavigation('app://ui/tasks?id=1')).toBe(true);
  });

  it('refuses everything else', () => {
    for (const url of [
      'https://example.com/',
      'http://localhost:5173/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'about:blank',
      'app://other/index.html',
      'app://ui.evil/',
      'app://user:pw@ui/',
      'app://ui:1/',
      'chrome://settings',
      'devtools://devtools/bundled/inspector.html',
      '',
      'not a url',
    ]) {
      expect(isAllowedNavigation(url), url).toBe(false);
    }
  });
});

describe('externalUrlAllowed', () => {
  it('allows https links', () => {
    expect(externalUrlAllowed('https://example.com/docs?a=1')).toBe(true);
  });

  it('refuses every other scheme and credentials in the URL', () => {
    for (const url of [
      'http://example.com/',
      'file:///C:/Windows/System32/calc.exe',
      'smb://server/share',
      'ms-msdt:/id',
      'javascript:alert(1)',
      'mailto:a@b.c',
      'app://ui/index.html',
      'https://user:pw@example.com/',
      'https:',
      '',
    ]) {
      expect(externalUrlAllowed(url), url).toBe(false);
    }
  });
});
