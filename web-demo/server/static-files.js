// The web server of `npm start`: the repository's files under a few folders only, with
// the repository root as the web root (so the page at /web-demo/ finds ../js/ and
// ../node_modules/uplot/ as it does on any static server), plus answers of its own.
//
//   const handle = staticFiles({ root, allow: ['/web-demo/', '/js/'], routes: {
//     '/demo-config.json': (req) => ({ json: { ... } }),   // 200 with that JSON
//     '/favicon.ico': () => ({ status: 204 }) } });         // a status, no body
//   http.createServer(handle)
//
// GET and HEAD only. '/' redirects to the first allowed folder. A path outside the
// allowed folders (after decoding and resolving '..') is 403; one that is not there, 404.
// Symbolic links are followed only when they stay inside an allowed folder.
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { posix } from 'node:path';

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

export function staticFiles({ root, allow, routes = {} }) {
  const home = allow[0];
  // Real paths of the allowed folders, found once (a folder missing now is skipped).
  const allowedReal = Promise.all(allow.map((prefix) => realpath(join(root, prefix)).catch(() => null)));

  return async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(req, res, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
      }
      const url = new URL(req.url, 'http://localhost');
      let path;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        return send(req, res, 400, 'text/plain; charset=utf-8', 'bad URL encoding\n');
      }
      if (path.includes('\0')) return send(req, res, 400, 'text/plain; charset=utf-8', 'bad path\n');
      path = posix.normalize(path);

      if (path === '/') return redirect(res, home + url.search);
      const route = routes[path];
      if (route) {
        const { json, status = 200 } = await route(req);
        if (json === undefined) return send(req, res, status, 'text/plain; charset=utf-8', '');
        return send(req, res, status, MIME_TYPES['.json'], `${JSON.stringify(json, null, 2)}\n`);
      }
      const folder = allow.findIndex((prefix) => path.startsWith(prefix) || `${path}/` === prefix);
      if (folder < 0) return send(req, res, 403, 'text/plain; charset=utf-8', `forbidden: only ${allow.join(', ')} are served\n`);
      if (`${path}/` === allow[folder]) return redirect(res, allow[folder] + url.search);

      let file = join(root, path);
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        if (!path.endsWith('/')) return redirect(res, `${path}/${url.search}`);
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return send(req, res, 404, 'text/plain; charset=utf-8', `not found: ${path}\n`);
      const real = await realpath(file);
      const inside = (await allowedReal)[folder];
      if (inside === null || !real.startsWith(inside + sep)) {
        return send(req, res, 403, 'text/plain; charset=utf-8', 'forbidden: the link leads outside the served folders\n');
      }
      const body = await readFile(real);
      return send(req, res, 200, MIME_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream', body);
    } catch (err) {
      if (!res.headersSent) send(req, res, 500, 'text/plain; charset=utf-8', `server error: ${err.message}\n`);
      else res.destroy();
    }
  };
}

function send(req, res, status, type, body, headers = {}) {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': bytes.length,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function redirect(res, location) {
  res.writeHead(302, { Location: location, 'Content-Length': 0 });
  res.end();
}
