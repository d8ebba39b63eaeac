// mqtt-wasm/node/password-file (Node only): Mosquitto password files (mosquitto_passwd's
// $6$ and $7$ hashes) for the broker's authenticate hook. See js/node/password-file.js.
import type { BrokerClient } from '../index.js';

export interface PasswordFile {
  /** Users in the file. */
  readonly users: number;
  /** Does the password (UTF-8 text or bytes) match the user's hash? False for an unknown user. */
  verify(username: string, password: string | Uint8Array): boolean;
}

/** Parses a password file's text; throws an Error naming `source` and the line of a bad entry. */
export function parsePasswordFile(text: string, source?: string): PasswordFile;

/** Reads and parses a password file; rejects when it cannot be read or has a bad entry. */
export function loadPasswordFile(path: string): Promise<PasswordFile>;

export interface PasswordFileOptions {
  /** Accept clients without a user name (mosquitto's allow_anonymous). Default false: 0x87. */
  allowAnonymous?: boolean;
}

/**
 * An authenticate hook for createBroker: true for a matching password, 0x86 (Bad User
 * Name or Password) otherwise, 0x87 (Not authorized) for a client without a user name
 * unless allowAnonymous. The file is read now, so a bad file rejects here.
 */
export function passwordFileAuthenticator(
  path: string,
  options?: PasswordFileOptions,
): Promise<(client: BrokerClient) => Promise<true | 0x86 | 0x87>>;
