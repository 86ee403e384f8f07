// Maps app://ui/... requests to files of the built renderer. Refuses anything that could leave
// rendererDir: dot segments (raw or percent-encoded), backslashes, NUL, encoded slashes, symlinks
// pointing outside. A path with no file extension is a client-side route and gets index.html.
import { realpathSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'ui';

export type AppResponse = { kind: 'file'; path: string; mime: string } | { kind: 'not_found' };

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function mimeType(filePath: string): string {
  return MIME[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

const NOT_FOUND: AppResponse = { kind: 'not_found' };
// scheme://host then the path; query and fragment are cut off before the path is looked at.
const APP_URL = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i;

export function resolveAppRequest(url: string, rendererDir: string): AppResponse {
  const match = APP_URL.exec(url);
  if (!match) return NOT_FOUND;
  const [, scheme = '', host = '', rawPath = ''] = match;
  if (scheme.toLowerCase() !== APP_SCHEME || host.toLowerCase() !== APP_HOST) return NOT_FOUND;
  if (rawPath.includes('\\') || rawPath.includes('\0')) return NOT_FOUND;

  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return NOT_FOUND;
    }
    if (segment === '.' || segment === '..') return NOT_FOUND;
    if (/[\\/\0]/.test(segment) || segment.includes(':')) return NOT_FOUND;
    segments.push(segment);
  }

  const last = segments[segments.length - 1];
  if (last === undefined || extname(last) === '') {
    // The UI's own routes (app://ui/tasks) load the app shell.
    return fileInside(rendererDir, ['index.html']);
  }
  return fileInside(rendererDir, segments);
}

function fileInside(rendererDir: string, segments: string[]): AppResponse {
  let root: string;
  try {
    root = realpathSync(resolve(rendererDir));
  } catch {
    return NOT_FOUND;
  }
  const candidate = resolve(join(root, ...segments));
  if (!candidate.startsWith(root + sep)) return NOT_FOUND;
  try {
    const real = realpathSync(candidate);
    if (!real.startsWith(root + sep) || !statSync(real).isFile()) return NOT_FOUND;
    return { kind: 'file', path: real, mime: mimeType(real) };
  } catch {
    return NOT_FOUND;
  }
}
