// Connection profiles: where the dashboard connects, saved in localStorage.
//
//   const profiles = new Profiles(localStorage, { server })   // server: the npm start
//                                                              // broker's config, or null
//   profiles.list()      the built-in ones first (the embedded broker, then the npm start
//                        broker when there is one), then the saved ones
//   profiles.active()    the one to connect to: the last chosen, else the npm start
//                        broker when the page was served by it, else the embedded broker
//   profiles.save(p)     adds or replaces a URL profile (by id) and returns it
//   profiles.remove(id), profiles.choose(id)
//
// A profile: { id, name, kind: 'embedded' | 'server' | 'url', url, username, password,
//              protocolVersion: 4 | 5 }. Built-in profiles cannot be removed or edited.
const KEY = 'mqtt-wasm-demo/profiles';
const ACTIVE_KEY = 'mqtt-wasm-demo/active';

export const EMBEDDED = Object.freeze({
  id: 'embedded', name: 'Embedded broker (in this page)', kind: 'embedded', protocolVersion: 5,
});

export function serverProfile(server) {
  return Object.freeze({
    id: 'server', name: `npm start broker (${server.ws})`, kind: 'server', url: server.ws, protocolVersion: 5,
  });
}

/** A profile's fields checked; throws an Error with a message for the form. */
export function checkProfile(p) {
  const url = String(p.url ?? '').trim();
  checkUrl(url);
  const protocolVersion = Number(p.protocolVersion ?? 5);
  if (protocolVersion !== 4 && protocolVersion !== 5) throw new Error('the protocol must be 3.1.1 or 5.0');
  return {
    id: p.id || `url-${Date.now().toString(36)}`,
    name: String(p.name ?? '').trim() || url,
    kind: 'url',
    url,
    username: p.username ? String(p.username) : '',
    password: p.password ? String(p.password) : '',
    protocolVersion,
  };
}

// The URL as the client will read it (new URL()), so that a profile that passes here does
// not fail later with a vaguer message; the port and spaces are named, since URL only
// says "Invalid URL".
function checkUrl(url) {
  const authority = /^wss?:\/\/([^/?#]*)/i.exec(url)?.[1];
  // The host (an IPv6 address in brackets, or up to a ':') and the port after it, if any.
  const [, host, port] = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(authority?.slice(authority.lastIndexOf('@') + 1) ?? '') ?? [];
  if (!host) {
    throw new Error(`the URL must start with ws:// or wss:// and name a host, such as ws://127.0.0.1:9001, got "${url}"`);
  }
  if (/\s/.test(url)) throw new Error(`the URL must not contain spaces, got "${url}"`);
  if (port && !/^[0-9]+$/.test(port)) throw new Error(`the port "${port}" in "${url}" is not a number`);
  if (port && (Number(port) < 1 || Number(port) > 65535)) {
    throw new Error(`the port must be from 1 to 65535, got ${port} in "${url}"`);
  }
  try {
    new URL(url);
  } catch {
    throw new Error(`"${url}" is not a valid URL, such as ws://127.0.0.1:9001`);
  }
}

export class Profiles {
  #storage;
  #builtIn;
  #saved;

  constructor(storage, { server = null } = {}) {
    this.#storage = storage;
    this.#builtIn = server ? [EMBEDDED, serverProfile(server)] : [EMBEDDED];
    this.#saved = this.#read();
  }

  list() { return [...this.#builtIn, ...this.#saved]; }

  get(id) { return this.list().find((p) => p.id === id); }

  active() {
    const chosen = this.get(this.#storage?.getItem(ACTIVE_KEY) ?? '');
    return chosen ?? this.#builtIn[this.#builtIn.length - 1];
  }

  choose(id) {
    if (!this.get(id)) throw new Error(`no profile "${id}"`);
    this.#storage?.setItem(ACTIVE_KEY, id);
  }

  save(fields) {
    const profile = checkProfile(fields);
    const at = this.#saved.findIndex((p) => p.id === profile.id);
    if (at === -1) this.#saved.push(profile);
    else this.#saved[at] = profile;
    this.#write();
    return profile;
  }

  remove(id) {
    this.#saved = this.#saved.filter((p) => p.id !== id);
    this.#write();
  }

  #read() {
    try {
      const stored = JSON.parse(this.#storage?.getItem(KEY) ?? '[]');
      return Array.isArray(stored) ? stored.flatMap((p) => { try { return [checkProfile(p)]; } catch { return []; } }) : [];
    } catch {
      return [];  // unreadable storage: start with none rather than fail to open
    }
  }

  #write() {
    this.#storage?.setItem(KEY, JSON.stringify(this.#saved));
  }
}
