// Constants of the tape layout (cpp/bindings/tape.hpp), shared by the reader and the
// writer. Keep in step with tape.hpp.

// CONNECT flags word (binding::connect_flag).
export const CONNECT_CLEAN = 1;
export const CONNECT_WILL = 2;
export const CONNECT_WILL_RETAIN = 4;
export const CONNECT_USERNAME = 8;
export const CONNECT_PASSWORD = 16;

// A string's cache id with this bit is seen for the first time (binding::string_id_new).
export const STRING_ID_NEW = 1 << 30;

// Packet type numbers by mqtt-packet's `cmd` names, and back.
export const CMD = [
  'reserved', 'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp',
  'subscribe', 'suback', 'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', 'auth',
];
// A Map: a `cmd` such as "constructor" must not find anything.
export const TYPE = new Map(CMD.map((cmd, type) => [cmd, type]).slice(1));
