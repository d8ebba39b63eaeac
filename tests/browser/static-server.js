// A tiny static file server for browser tests: serves a folder (the repository root by
// default) on 127.0.0.1 with the MIME types a module page and wasm streaming need.
// It is not web-demo/server/static-files.js on purpose: the dashboard's embedded-mode
// test opens the page from a server that is not ours, as a user's static host would be.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css',
};

// A page that imports the package as a user's project would, from
// ./node_modules/mqtt-wasm/, gets this repository there.
const PACKAGE_PREFIX = '/node_modules/mqtt-wasm/';

/**
 * Starts the server; resolves to { url, close() }. `pages` maps paths to HTML; `root` is
 * the folder served (the repository by default; a built app's dist/ for the Vite test).
 */
export async function startStaticServer(pages = {}, { root = REPO } = {}) {
  root = root.endsWith(sep) ? root : root + sep;
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (pages[path] !== undefined) {
      res.writeHead(200, { 'content-type': types['.html'] });
      res.end(pages[path]);
      return;
    }
    const asked = path.endsWith('/') ? `${path}index.html` : path;
    const local = root === REPO && asked.startsWith(PACKAGE_PREFIX) ? asked.slice(PACKAGE_PREFIX.length - 1) : asked;
    const file = normalize(join(root, local));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
