// Which runtime this is. Code that differs by runtime lives in files named for it
// (`*-node.js`, `*-browser.js`) and is chosen with this: the browser file is imported
// statically (it needs nothing of Node), the Node file by a literal import() behind
// isNode, and package.json's "browser" field tells bundlers to leave the Node files
// out. A browser build then holds one chunk, never a chunk that imports the app's own
// (which would wait forever on an app that uses top-level await).
export const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
