// Mosquitto ACL files (acl_file), for the broker's authorizePublish and
// authorizeSubscribe hooks.
//
// The semantics follow mosquitto 2.0 (src/security_default.c and src/security.c, and
// mosquitto.conf(5)), checked against Debian's mosquitto 2.0.11 in tests/js/acl-file.test.js:
//   topic [read|write|readwrite|deny] <topic>   access is readwrite when left out; with
//                                               no access word and one word the word is
//                                               the topic ("topic read" grants "read")
//   user <name>                                 the lines after it are that user's
//   pattern [read|write|readwrite|deny] <topic> for every client, after its own lines,
//                                               with %c -> client id, %u -> user name
// - `topic` lines before any `user` line are for clients without a user name. A client
//   with a user name gets only its own section (none if the file has none) and patterns.
// - Within the client's own lines, then within the patterns, a matching `deny` refuses
//   before any grant is looked at. Own lines are checked first, so an own grant wins
//   over a pattern `deny`.
// - Whatever nothing grants is refused, as soon as an ACL file is loaded.
// - A pattern containing %u does not apply to a client without a user name. When there
//   are patterns, a client whose user name or client id contains + or # gets nothing
//   from them.
// - An entry that does not start with '$' never matches a topic that does.
//   Publishing to $SYS is refused except $SYS/broker/connection/+/state (the bridge
//   status), and to $share... always, whatever the file says.
// - Comments are lines whose first character is '#'. Words are separated by spaces
//   (not tabs); trailing white space is ignored. Like mosquitto, anything else is an
//   error: an unknown keyword, an unknown access word, an invalid topic filter.
//
// Subscriptions. Mosquitto 2.0 does not check the ACL when a client subscribes (its
// default check returns success for SUBSCRIBE, "FIXME - implement ACL subscription
// strings"); it checks read access on each message it delivers instead. Our broker's
// hook decides once, at SUBSCRIBE, so canSubscribe(client, filter) grants a filter only
// when every message mosquitto would deliver through it is one it would let the client
// read: some read grant covers the whole filter, and no deny of the same stage overlaps
// it. It never grants more than mosquitto delivers; it refuses some filters mosquitto
// would accept and thin out (a client with `topic read foo/#` subscribing to `#`, or to
// `foo/#` next to `topic deny foo/secret`). canRead(client, topic) is mosquitto's
// per-message check, for a broker that can filter deliveries.
import { readFile } from 'node:fs/promises';
import { isWildcard, isDollar, isValidFilter, isValidTopic, matchLevels as matches } from '../topic-match.js';

const READ = 1;
const WRITE = 2;
const DENY = 0;
const ACCESS = { read: READ, write: WRITE, readwrite: READ | WRITE, deny: DENY };
const BRIDGE_STATE = '$SYS/broker/connection/+/state'.split('/');

// Does `outer` match every topic that `inner` matches?
function covers(outer, inner) {
  if (isWildcard(outer[0]) && !isWildcard(inner[0]) && isDollar(inner[0])) return false;
  for (let i = 0; ; i++) {
    if (i === outer.length) return i === inner.length;
    if (outer[i] === '#') return true;
    if (i === inner.length) return false;       // outer needs another level; inner's parent topic has none
    if (inner[i] === '#') return false;         // inner goes on to any depth, outer does not
    if (outer[i] === '+') continue;             // inner has one level here, a name or '+'
    if (inner[i] === '+' || outer[i] !== inner[i]) return false;
  }
}

// Is there a topic that both filters match?
function overlaps(a, b) {
  if ((isWildcard(a[0]) && !isWildcard(b[0]) && isDollar(b[0])) || (isWildcard(b[0]) && !isWildcard(a[0]) && isDollar(a[0]))) return false;
  for (let i = 0; ; i++) {
    if (a[i] === '#' || b[i] === '#') return true;
    if (i === a.length || i === b.length) return i === a.length && i === b.length;
    if (a[i] !== '+' && b[i] !== '+' && a[i] !== b[i]) return false;
  }
}

// --- parsing ----------------------------------------------------------------------------

function newSection() {
  return { denies: [], grants: [] };
}

function addEntry(section, entry) {
  if (entry.access === DENY) section.denies.push(entry);
  else section.grants.push(entry);
}

// Splits like mosquitto's strtok_r(line, " "): words separated by runs of spaces, and
// the rest of the line after a word.
function tokenizer(line) {
  let pos = 0;
  return {
    word() {
      while (line[pos] === ' ') pos++;
      if (pos >= line.length) return null;
      const start = pos;
      while (pos < line.length && line[pos] !== ' ') pos++;
      const word = line.slice(start, pos);
      if (pos < line.length) pos++;
      return word;
    },
    rest() {
      const rest = line.slice(pos).trim();
      pos = line.length;
      return rest === '' ? null : rest;
    },
  };
}

/**
 * Parses the text of an ACL file. `source` names it in errors.
 * Returns { canPublish(client, topic), canSubscribe(client, filter), canRead(client, topic) },
 * where client is { id, username } as the broker's hooks receive it.
 */
export function parseAclFile(text, source = 'ACL file') {
  const anonymous = newSection();
  const users = new Map();
  const patterns = newSection();
  let section = anonymous;

  String(text).split('\n').forEach((raw, index) => {
    const line = raw.replace(/\s+$/, '');
    const where = `${source}, line ${index + 1}`;
    if (line.startsWith('#')) return;
    const words = tokenizer(line);
    const keyword = words.word();
    if (keyword === null) return;
    if (keyword === 'user') {
      const name = words.rest();
      if (name === null) throw new Error(`${where}: "user" needs a user name`);
      if (!users.has(name)) users.set(name, newSection());
      section = users.get(name);
      return;
    }
    if (keyword !== 'topic' && keyword !== 'pattern') {
      const hint = keyword.startsWith('#') ? ' (a comment must start with # as the first character of the line)' : ' (expected topic, pattern or user)';
      throw new Error(`${where}: unknown keyword "${keyword}"${hint}`);
    }
    let accessWord = words.word();
    if (accessWord === null) throw new Error(`${where}: "${keyword}" needs a topic`);
    let topic = words.rest();
    if (topic === null) {
      topic = accessWord;
      accessWord = 'readwrite';
    }
    if (!Object.hasOwn(ACCESS, accessWord)) {
      throw new Error(`${where}: unknown access "${accessWord}" (expected read, write, readwrite or deny)`);
    }
    if (!isValidFilter(topic)) throw new Error(`${where}: invalid topic filter "${topic}"`);
    const access = ACCESS[accessWord];
    if (keyword === 'topic') addEntry(section, { levels: topic.split('/'), access });
    else addEntry(patterns, { topic, access, needsUser: topic.includes('%u') });
  });

  const hasPatterns = patterns.denies.length + patterns.grants.length > 0;

  // The stages mosquitto goes through for a client: its own lines, then the patterns
  // with its id and name put in. Each stage is { denies: levels[], grants: {levels, access}[] },
  // or null when the stage refuses everything that reaches it.
  function stagesFor(client) {
    const username = client?.username ?? null;
    const own = username === null ? anonymous : users.get(username);
    const stages = [];
    if (own !== undefined) stages.push({ denies: own.denies.map((entry) => entry.levels), grants: own.grants });
    if (hasPatterns) stages.push(patternStage(client?.id ?? null, username));
    return stages;
  }

  function patternStage(id, username) {
    if (id === null || /[+#]/.test(id) || (username !== null && /[+#]/.test(username))) return null;
    const expand = (entry) => entry.topic.replace(/%([cu])/g, (all, which) => {
      if (which === 'c') return id;
      return username === null ? all : username;
    }).split('/');
    const usable = (entry) => !entry.needsUser || username !== null;
    return {
      denies: patterns.denies.filter(usable).map(expand),
      grants: patterns.grants.filter(usable).map((entry) => ({ levels: expand(entry), access: entry.access })),
    };
  }

  // Mosquitto's check of one topic name for one kind of access.
  function check(client, topic, access) {
    if (!isValidTopic(topic)) return false;
    if (topic.startsWith('$SYS') && access === WRITE && !matches(BRIDGE_STATE, topic.split('/'))) return false;
    if (topic.startsWith('$share')) return false;
    const levels = topic.split('/');
    for (const stage of stagesFor(client)) {
      if (stage === null) return false;
      if (stage.denies.some((deny) => matches(deny, levels))) return false;
      if (stage.grants.some((grant) => (grant.access & access) !== 0 && matches(grant.levels, levels))) return true;
    }
    return false;
  }

  return {
    canPublish(client, topic) {
      return check(client, topic, WRITE);
    },
    canRead(client, topic) {
      return check(client, topic, READ);
    },
    canSubscribe(client, filter) {
      if (typeof filter !== 'string') return false;
      let target = filter;
      if (target.startsWith('$share/')) {
        // $share/<group>/<filter>: what is delivered is what <filter> matches.
        const parts = target.split('/');
        if (parts.length < 3 || parts[1] === '') return false;
        target = parts.slice(2).join('/');
      }
      if (!isValidFilter(target)) return false;
      const levels = target.split('/');
      for (const stage of stagesFor(client)) {
        if (stage === null) return false;
        if (stage.denies.some((deny) => overlaps(deny, levels))) return false;
        if (stage.grants.some((grant) => (grant.access & READ) !== 0 && covers(grant.levels, levels))) return true;
      }
      return false;
    },
  };
}

/** Reads and parses a Mosquitto ACL file. */
export async function loadAclFile(path) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ACL file ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { cause: err });
  }
  return parseAclFile(text, `ACL file ${path}`);
}

/**
 * The createBroker hooks for an ACL file: { authorizePublish, authorizeSubscribe }.
 * authorizeSubscribe takes the filter as the broker passes it, { topic, qos } (or
 * { filter, qos }). Loads the file now, so a bad file fails here rather than at the
 * first PUBLISH.
 */
export async function aclAuthorizer(path) {
  const acl = await loadAclFile(path);
  return {
    authorizePublish: async (client, { topic }) => acl.canPublish(client, topic),
    authorizeSubscribe: async (client, { topic, filter }) => acl.canSubscribe(client, filter ?? topic),
  };
}
