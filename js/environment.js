// Which runtime this is. Code that differs by runtime lives in files named for it
// (`*-node.js`, `*-browser.js`) and is chosen with this.
export const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
