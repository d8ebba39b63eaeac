// Declarations of mqtt-wasm/node/password-file for CommonJS (js/node/password-file.cjs).
import type * as passwordFile from './password-file.js' with { 'resolution-mode': 'import' };

export type * from './password-file.js' with { 'resolution-mode': 'import' };

/** Loads mqtt-wasm/node/password-file (once) and resolves to its ES module API. */
export function load(): Promise<typeof passwordFile>;
/** parsePasswordFile, after load(): rejects where the ES module's throws. */
export function parsePasswordFile(text: string, source?: string): Promise<passwordFile.PasswordFile>;
export const loadPasswordFile: typeof passwordFile.loadPasswordFile;
export const passwordFileAuthenticator: typeof passwordFile.passwordFileAuthenticator;
