// mqtt-wasm/node/acl-file (Node only): Mosquitto ACL files (acl_file: topic, user and
// pattern lines) for the broker's authorizePublish and authorizeSubscribe hooks. See
// js/node/acl-file.js for the rules, which follow mosquitto 2.0.
import type { AuthorizePublishMessage, AuthorizeSubscribeRequest } from '../index.js';

/** Who is asked about: the broker's hooks pass their BrokerClient. */
export interface AclClient {
  id?: string;
  username?: string;
}

export interface AclFile {
  /** May the client publish to this topic name? */
  canPublish(client: AclClient, topic: string): boolean;
  /** Would mosquitto deliver a message on this topic name to the client (read access)? */
  canRead(client: AclClient, topic: string): boolean;
  /** Is every message this filter ($share/... included) can match readable by the client? */
  canSubscribe(client: AclClient, filter: string): boolean;
}

/** Parses an ACL file's text; throws an Error naming `source` and the line of a bad entry. */
export function parseAclFile(text: string, source?: string): AclFile;

/** Reads and parses an ACL file; rejects when it cannot be read or has a bad entry. */
export function loadAclFile(path: string): Promise<AclFile>;

export interface AclHooks {
  authorizePublish(client: AclClient, message: Pick<AuthorizePublishMessage, 'topic'>): Promise<boolean>;
  authorizeSubscribe(client: AclClient, subscription: Pick<AuthorizeSubscribeRequest, 'topic'>): Promise<boolean>;
}

/** The createBroker hooks for an ACL file. The file is read now, so a bad file rejects here. */
export function aclAuthorizer(path: string): Promise<AclHooks>;
