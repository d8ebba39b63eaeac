// Declarations of mqtt-wasm/node/acl-file for CommonJS (js/node/acl-file.cjs).
import type * as aclFile from './acl-file.js' with { 'resolution-mode': 'import' };

export type * from './acl-file.js' with { 'resolution-mode': 'import' };

/** Loads mqtt-wasm/node/acl-file (once) and resolves to its ES module API. */
export function load(): Promise<typeof aclFile>;
/** parseAclFile, after load(): rejects where the ES module's throws. */
export function parseAclFile(text: string, source?: string): Promise<aclFile.AclFile>;
export const loadAclFile: typeof aclFile.loadAclFile;
export const aclAuthorizer: typeof aclFile.aclAuthorizer;
