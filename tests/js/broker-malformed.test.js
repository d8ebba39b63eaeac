// The broker against malformed and forbidden input, over real TCP sockets on 127.0.0.1.
//
// One broker for the file. Two bystanders (3.1.1 and 5.0) subscribe to '#'. For each
// case an attacker opens a raw socket, sends a valid CONNECT first when the case says
// so, then the case's bytes, and the test checks
//   (a) what the broker sends back: nothing, a CONNACK (bad CONNECT) or, in 5.0, a
//       DISCONNECT with the reason code the spec asks for;
//   (b) that the broker closes the socket within a timeout (or, for the few cases that
//       are not errors, that the connection still answers PINGREQ);
//   (c) that both bystanders receive a message published after the attack, and nothing
//       from the attack except what the case expects (a will, or a legal publish).
// The bad bytes are in the table as commented hex. Where the broker does something the
// spec does not allow, the case keeps the spec's expectation and carries a `todo` that
// says what the broker does instead.
//
// Reason codes: where the spec names one for the error, the case asks for that one.
// Where it only says the packet breaks a rule (packet identifier 0, DUP on QoS 0, a
// wildcard in a topic name, ...), MALFORMED_OR_PROTOCOL accepts either 0x81 or 0x82:
// section 4.13 lets the receiver choose, and both close the connection.
// The cases run one after another: each waits for its own canary, so what a bystander
// receives between two canaries belongs to one case.
//
// The harness (hex, expectations, raw peers, the checks) is in malformed-harness.js.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  MalformedHarness, CLOSE_MS, hex, ascii, cat, fill, varint, until, describe,
  CLOSE, closeWith, refuse5, stayOpen, MALFORMED_OR_PROTOCOL,
} from './malformed-harness.js';

const CONNECT_TIMEOUT_MS = 1500;  // the broker's connectTimeout here, for the silent cases
const MAX_TOPIC_LEVELS = 200;     // the broker's default, named in the deep-topic cases

const harness = new MalformedHarness();
before(() => harness.start({ connectTimeout: CONNECT_TIMEOUT_MS }));
after(() => harness.stop());

// ---- the table ---------------------------------------------------------------------
// A row has a name and one entry per version it runs in: 4 (3.1.1), 5 (5.0), or `any`
// for bytes sent before any CONNECT, where there is no version yet. Fields of the row
// apply to every entry; an entry may override them.
//   connect        send a valid CONNECT of the entry's version first, wait for CONNACK
//   will           that CONNECT carries a will (topic will/<n>, payload "gone")
//   willPublished  the bystanders must receive that will
//   deliver        { topic, payload } the bystanders must receive from the attack
//   split          write the bytes one per write
//   clientCloses   the attacker closes its side after writing
//   within         ms the broker has to close (default CLOSE_MS)
//   memory         check that RSS and wasm memory stay low
//   decodeAs       read the reply as this version (default: the entry's)
//   todo           the broker gets this wrong: what it does instead

const HTTP_GET = ascii('GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1:1883\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\nConnection: close\r\n\r\n');
// 'G' (0x47) reads as type 4 (PUBACK) with flags 0111, and 'E' (0x45) as a Remaining
// Length of 69: the request must be at least 71 bytes for that "packet" to end.
assert.ok(HTTP_GET.length >= 71);

// 70,000 topic levels cannot be sent: a topic is a string of at most 65,535 bytes
// [MQTT-4.7.3-3], so the deepest topic is 65,535 '/' (65,536 empty levels). That topic is
// well formed, so it is not a Malformed Packet (0x81); the packet is 140 KB, far below the
// broker's 16 MiB Maximum Packet Size, so not 0x95 either; it only passes the broker's
// maxTopicLevels (200): 0x90 Topic Name invalid ("correctly formed, but not accepted").
const DEEP = fill(65535, 0x2f);
const DEEP_PAYLOAD = fill(140000 - 2 - DEEP.length - 1, 0x2f);
const deepPublish = (v5) => {
  const body = cat(hex`FF FF`, DEEP, v5 ? hex`00` : hex``, DEEP_PAYLOAD);  // topic length 65,535
  return cat(hex`30`, varint(body.length), body);
};
// A 140 KB body of nothing but '/': the topic length reads 0x2F2F (12,079 '/', 12,080
// levels). In 3.1.1 the rest is payload, so only the level limit refuses it. In 5.0 the
// next '/' is a Property Length of 47 whose first identifier, 0x2F, is no property: the
// packet cannot be parsed, and a Malformed Packet (0x81) is found before the topic's
// levels are ever looked at.
const ALL_SLASHES = cat(hex`30`, varint(140000), fill(140000, 0x2f));
const deepSubscribe = (v5) => {
  const body = cat(hex`00 01`, v5 ? hex`00` : hex``, hex`FF FF`, DEEP, hex`00`);  // packet id 1, filter, QoS 0
  return cat(hex`82`, varint(body.length), body);
};
const HUGE_FILLER = fill(1024 * 1024, 0x41);

const ROWS = [
  // ---- before CONNECT -------------------------------------------------------------
  {
    name: 'PUBLISH as the first packet: closed without a reply',
    4: { rule: 'MQTT-3.1.0-1', expect: CLOSE, bytes: hex`
      30 04      // PUBLISH QoS 0, Remaining Length 4
      00 01 74   // topic "t"
      78         // payload "x"` },
    5: { rule: 'MQTT-3.1.0-1', expect: CLOSE, bytes: hex`
      30 05      // PUBLISH QoS 0, Remaining Length 5
      00 01 74   // topic "t"
      00         // property length 0
      78         // payload "x"` },
  },
  {
    name: 'SUBSCRIBE as the first packet: closed without a reply',
    4: { rule: 'MQTT-3.1.0-1', expect: CLOSE, bytes: hex`
      82 06 00 01   // SUBSCRIBE, packet id 1
      00 01 74 00   // filter "t", QoS 0` },
    5: { rule: 'MQTT-3.1.0-1', expect: CLOSE, bytes: hex`
      82 07 00 01 00   // SUBSCRIBE, packet id 1, property length 0
      00 01 74 00      // filter "t", QoS 0` },
  },
  {
    name: 'PINGREQ as the first packet: closed without a reply',
    any: { rule: 'MQTT-3.1.0-1', expect: CLOSE, bytes: hex`C0 00   // PINGREQ` },
  },
  {
    name: 'DISCONNECT as the first packet: closed without a reply',
    any: { rule: 'MQTT-3.1.0-1', expect: CLOSE, bytes: hex`E0 00   // DISCONNECT` },
  },
  {
    name: 'an HTTP request instead of CONNECT: closed without a reply',
    any: { rule: 'MQTT-3.1.0-1', expect: CLOSE, bytes: HTTP_GET },  // "GET /mqtt HTTP/1.1\r\n..."
  },
  {
    name: 'packet type 0 (reserved) first: closed without a reply',
    any: { rule: 'MQTT-3.1.0-1', expect: CLOSE, bytes: hex`00 00   // type 0, Remaining Length 0` },
  },
  {
    name: 'AUTH before CONNECT: closed without a reply',
    any: { rule: 'MQTT-3.1.0-1', expect: CLOSE, bytes: hex`F0 00   // AUTH, no reason code` },
  },
  {
    name: 'CONNECT with a 5-byte Remaining Length: closed without a reply',
    any: { rule: 'MQTT-1.5.5-1', expect: CLOSE, bytes: hex`10 FF FF FF FF 7F   // CONNECT, 5 length bytes` },
  },
  {
    name: 'nothing at all: closed after the connect timeout',
    any: { rule: 'section 3.1.4', expect: CLOSE, within: CONNECT_TIMEOUT_MS + 1500, bytes: hex`` },
  },
  {
    name: 'a CONNECT that never completes: closed after the connect timeout',
    any: { rule: 'section 3.1.4', expect: CLOSE, within: CONNECT_TIMEOUT_MS + 1500, bytes: hex`
      10 0D 00 04   // CONNECT, Remaining Length 13, then 2 of its 13 bytes` },
  },
  {
    name: 'a truncated CONNECT, then the client closes: no reply, no crash',
    any: { rule: 'MQTT-3.1.4-1', expect: CLOSE, clientCloses: true, bytes: hex`
      10 0D 00 04 4D 51   // CONNECT, Remaining Length 13: "MQ" and no more` },
  },
  {
    name: 'unknown protocol name "MQTX"',
    // The spec lets the server close in silence; a CONNACK 0x01 says why.
    4: { rule: 'MQTT-3.1.2-1', expect: closeWith('CONNACK 0x01'), decodeAs: 4, bytes: hex`
      10 0D                 // CONNECT, Remaining Length 13
      00 04 4D 51 54 58     // protocol name "MQTX"
      04 02 00 00           // level 4, clean session, keep alive 0
      00 01 78              // client id "x"` },
    // 5.0 lets the server answer CONNACK 0x84 before closing, or close in silence.
    5: { rule: 'MQTT-3.1.2-1', expect: refuse5('0x84'),
      bytes: hex`
      10 0E                 // CONNECT, Remaining Length 14
      00 04 4D 51 54 58     // protocol name "MQTX"
      05 02 00 00 00        // level 5, clean start, keep alive 0, property length 0
      00 01 78              // client id "x"` },
  },
  {
    name: 'protocol level 6: CONNACK 0x01 in the 3.1.1 form, then closed',
    any: { rule: 'MQTT-3.1.2-2', expect: closeWith('CONNACK 0x01'), decodeAs: 4, bytes: hex`
      10 0E 00 04 4D 51 54 54   // CONNECT, Remaining Length 14, "MQTT"
      06                        // protocol level 6
      02 00 00 00 00 01 78      // the rest as in 5.0` },
  },
  {
    name: 'protocol name "MQTT" with level 3 (3.1 is "MQIsdp"): CONNACK 0x01',
    4: { rule: 'MQTT-3.1.2-2', expect: closeWith('CONNACK 0x01'), bytes: hex`
      10 0D 00 04 4D 51 54 54   // CONNECT, "MQTT"
      03 02 00 00 00 01 78      // level 3, clean, keep alive 0, client id "x"` },
  },
  {
    name: 'protocol name "MQIsdp" with level 4: CONNACK 0x01',
    4: { rule: 'MQTT-3.1.2-2', expect: closeWith('CONNACK 0x01'), bytes: hex`
      10 0F 00 06 4D 51 49 73 64 70   // CONNECT, "MQIsdp"
      04 02 00 00 00 01 78            // level 4, clean, keep alive 0, client id "x"` },
  },
  {
    name: 'reserved CONNECT flag (bit 0) set',
    4: { rule: 'MQTT-3.1.2-3', expect: CLOSE, bytes: hex`
      10 0D 00 04 4D 51 54 54 04
      03               // connect flags: clean session + reserved bit 0
      00 00 00 01 78` },
    5: { rule: 'MQTT-3.1.2-3', expect: refuse5('0x81'), bytes: hex`
      10 0E 00 04 4D 51 54 54 05
      03               // connect flags: clean start + reserved bit 0
      00 00 00 00 01 78` },
  },
  {
    name: 'will QoS 3',
    4: { rule: 'MQTT-3.1.2-14', expect: CLOSE, bytes: hex`
      10 13 00 04 4D 51 54 54 04
      1E               // flags: will, will QoS 3, clean session
      00 00 00 01 78   // keep alive 0, client id "x"
      00 01 77         // will topic "w"
      00 01 70         // will payload "p"` },
    5: { rule: 'MQTT-3.1.2-12', expect: refuse5('0x81'), bytes: hex`
      10 15 00 04 4D 51 54 54 05
      1E               // flags: will, will QoS 3, clean start
      00 00 00         // keep alive 0, property length 0
      00 01 78         // client id "x"
      00               // will property length 0
      00 01 77         // will topic "w"
      00 01 70         // will payload "p"` },
  },
  {
    name: 'will QoS 1 without the will flag',
    4: { rule: 'MQTT-3.1.2-13', expect: CLOSE, bytes: hex`
      10 0D 00 04 4D 51 54 54 04
      0A               // flags: will QoS 1, clean session, no will flag
      00 00 00 01 78` },
    5: { rule: 'MQTT-3.1.2-11', expect: refuse5('0x81'), bytes: hex`
      10 0E 00 04 4D 51 54 54 05
      0A               // flags: will QoS 1, clean start, no will flag
      00 00 00 00 01 78` },
  },
  {
    name: 'will retain without the will flag',
    4: { rule: 'MQTT-3.1.2-15', expect: CLOSE, bytes: hex`
      10 0D 00 04 4D 51 54 54 04
      22               // flags: will retain, clean session, no will flag
      00 00 00 01 78` },
    5: { rule: 'MQTT-3.1.2-13', expect: refuse5('0x81'), bytes: hex`
      10 0E 00 04 4D 51 54 54 05
      22               // flags: will retain, clean start, no will flag
      00 00 00 00 01 78` },
  },
  {
    name: 'password without a user name',
    4: { rule: 'MQTT-3.1.2-22', expect: CLOSE, bytes: hex`
      10 11 00 04 4D 51 54 54 04
      42               // flags: password, clean session, no user name
      00 00 00 01 78   // keep alive 0, client id "x"
      00 02 70 77      // password "pw"` },
    // Allowed in 5.0 (section 3.1.2.9): the connection is accepted.
    5: { rule: 'section 3.1.2.9', expect: stayOpen('CONNACK 0x00'), bytes: hex`
      10 12 00 04 4D 51 54 54 05
      42               // flags: password, clean start, no user name
      00 00 00         // keep alive 0, property length 0
      00 01 78         // client id "x"
      00 02 70 77      // password "pw"` },
  },
  {
    name: 'client identifier that is not UTF-8 (C0 80)',
    4: { rule: 'MQTT-1.5.3-1', expect: CLOSE, bytes: hex`
      10 0E 00 04 4D 51 54 54 04 02 00 00
      00 02 C0 80      // client id: overlong U+0000` },
    5: { rule: 'MQTT-1.5.4-1', expect: refuse5('0x81'), bytes: hex`
      10 0F 00 04 4D 51 54 54 05 02 00 00 00
      00 02 C0 80      // client id: overlong U+0000` },
  },
  {
    name: 'a byte after the CONNECT\'s last field',
    4: { rule: 'MQTT-3.1.4-1', expect: CLOSE, bytes: hex`
      10 0E 00 04 4D 51 54 54 04 02 00 00 00 01 78
      FF               // one byte too many` },
    5: { rule: 'MQTT-3.1.4-1', expect: refuse5('0x81'), bytes: hex`
      10 0F 00 04 4D 51 54 54 05 02 00 00 00 00 01 78
      FF               // one byte too many` },
  },
  {
    name: 'CONNECT with the Session Expiry Interval twice',
    5: { rule: 'section 3.1.2.11.2', expect: refuse5('0x82'), bytes: hex`
      10 18 00 04 4D 51 54 54 05 02 00 00
      0A               // property length 10
      11 00 00 00 0A   // Session Expiry Interval 10
      11 00 00 00 0A   // ... and again
      00 01 78` },
  },
  {
    name: 'CONNECT with an unknown property identifier (0x04)',
    5: { rule: 'section 2.2.2.2', expect: refuse5('0x81'), bytes: hex`
      10 0F 00 04 4D 51 54 54 05 02 00 00
      01 04            // property length 1, identifier 0x04 (none)
      00 01 78` },
  },
  {
    name: 'CONNECT whose Remaining Length claims 256 MB: no allocation',
    memory: true,
    // 3.1.1 can express it; the broker's limit (maxPacketSize, 16 MiB) refuses it.
    4: { rule: 'section 2.2.3', expect: CLOSE, bytes: cat(hex`
      10 FF FF FF 7F            // CONNECT, Remaining Length 268,435,455
      00 04 4D 51 54 54 04 02   // "MQTT" level 4 ...`, HUGE_FILLER) },
    5: { rule: 'section 3.1.2.11.4', expect: refuse5('0x95'), bytes: cat(hex`
      10 FF FF FF 7F            // CONNECT, Remaining Length 268,435,455
      00 04 4D 51 54 54 05 02   // "MQTT" level 5 ...`, HUGE_FILLER) },
  },

  // ---- after a valid CONNECT ------------------------------------------------------
  {
    name: 'a second CONNECT',
    connect: true, will: true, willPublished: true,
    4: { rule: 'MQTT-3.1.0-2', expect: CLOSE, bytes: hex`
      10 0D 00 04 4D 51 54 54 04 02 00 00 00 01 78   // CONNECT, client id "x"` },
    5: { rule: 'MQTT-3.1.0-2', expect: closeWith('DISCONNECT 0x82'), bytes: hex`
      10 0E 00 04 4D 51 54 54 05 02 00 00 00 00 01 78   // CONNECT, client id "x"` },
  },
  {
    name: 'PUBLISH whose Remaining Length claims 256 MB: no allocation',
    connect: true, memory: true,
    4: { rule: 'section 2.2.3', expect: CLOSE, bytes: cat(hex`
      30 FF FF FF 7F   // PUBLISH, Remaining Length 268,435,455, then 1 MiB of "A"`, HUGE_FILLER) },
    5: { rule: 'section 3.2.2.3.6', expect: closeWith('DISCONNECT 0x95'), bytes: cat(hex`
      30 FF FF FF 7F   // PUBLISH, Remaining Length 268,435,455, then 1 MiB of "A"`, HUGE_FILLER) },
  },
  {
    name: 'a 5-byte Remaining Length',
    connect: true,
    4: { rule: 'section 2.2.3', expect: CLOSE, bytes: hex`30 FF FF FF FF 01   // PUBLISH, 5 length bytes` },
    5: { rule: 'section 2.1.4', expect: closeWith('DISCONNECT 0x81'), bytes: hex`30 FF FF FF FF 01   // PUBLISH, 5 length bytes` },
  },
  {
    name: 'a 5-byte Remaining Length, one byte per write',
    connect: true, split: true,
    5: { rule: 'section 2.1.4', expect: closeWith('DISCONNECT 0x81'), bytes: hex`30 FF FF FF FF 01` },
  },
  {
    name: 'Remaining Length not in its shortest form',
    connect: true,
    5: { rule: 'MQTT-1.5.5-1', expect: closeWith('DISCONNECT 0x81'), bytes: hex`C0 80 00   // PINGREQ, length 0 in 2 bytes` },
  },
  {
    name: 'PUBLISH topic with an overlong encoding (C0 80)',
    connect: true,
    4: { rule: 'MQTT-1.5.3-1', expect: CLOSE, bytes: hex`
      30 05 00 02 C0 80   // PUBLISH, topic C0 80
      78` },
    5: { rule: 'MQTT-1.5.4-1', expect: closeWith('DISCONNECT 0x81'), bytes: hex`
      30 06 00 02 C0 80   // PUBLISH, topic C0 80
      00 78` },
  },
  {
    name: 'PUBLISH topic with a UTF-16 surrogate (U+D800, ED A0 80)',
    connect: true,
    4: { rule: 'MQTT-1.5.3-1', expect: CLOSE, bytes: hex`
      30 06 00 03 ED A0 80   // PUBLISH, topic U+D800
      78` },
    5: { rule: 'MQTT-1.5.4-1', expect: closeWith('DISCONNECT 0x81'), bytes: hex`
      30 07 00 03 ED A0 80   // PUBLISH, topic U+D800
      00 78` },
  },
  {
    name: 'PUBLISH topic with U+0000',
    connect: true,
    4: { rule: 'MQTT-1.5.3-2', expect: CLOSE, bytes: hex`
      30 06 00 03 61 00 62   // PUBLISH, topic "a\\0b"
      78` },
    5: { rule: 'MQTT-1.5.4-2', expect: closeWith('DISCONNECT 0x81'), bytes: hex`
      30 07 00 03 61 00 62   // PUBLISH, topic "a\\0b"
      00 78` },
  },
  {
    name: 'PUBLISH topic "a/+" (a wildcard)',
    connect: true,
    4: { rule: 'MQTT-3.3.2-2', expect: CLOSE, bytes: hex`
      30 06 00 03 61 2F 2B   // PUBLISH, topic "a/+"
      78` },
    5: { rule: 'MQTT-3.3.2-2', expect: MALFORMED_OR_PROTOCOL, bytes: hex`
      30 07 00 03 61 2F 2B   // PUBLISH, topic "a/+"
      00 78` },
  },
  {
    name: 'PUBLISH topic "a/#" (a wildcard)',
    connect: true,
    4: { rule: 'MQTT-3.3.2-2', expect: CLOSE, bytes: hex`
      30 06 00 03 61 2F 23   // PUBLISH, topic "a/#"
      78` },
    5: { rule: 'MQTT-3.3.2-2', expect: MALFORMED_OR_PROTOCOL, bytes: hex`
      30 07 00 03 61 2F 23   // PUBLISH, topic "a/#"
      00 78` },
  },
  {
    name: 'PUBLISH with QoS 3; the will is published',
    connect: true, will: true, willPublished: true,
    4: { rule: 'MQTT-3.3.1-4', expect: CLOSE, bytes: hex`
      36 06            // PUBLISH, QoS bits 11
      00 01 74 00 01   // topic "t", packet id 1
      78` },
    5: { rule: 'MQTT-3.3.1-4', expect: closeWith('DISCONNECT 0x81'), bytes: hex`
      36 07            // PUBLISH, QoS bits 11
      00 01 74 00 01   // topic "t", packet id 1
      00 78` },
  },
  {
    name: 'PUBLISH with QoS 3, one byte per write',
    connect: true, split: true,
    5: { rule: 'MQTT-3.3.1-4', expect: closeWith('DISCONNECT 0x81'), bytes: hex`36 07 00 01 74 00 01 00 78` },
  },
  {
    name: 'QoS 1 PUBLISH with packet identifier 0',
    connect: true,
    4: { rule: 'MQTT-2.3.1-1', expect: CLOSE, bytes: hex`
      32 06 00 01 74   // PUBLISH QoS 1, topic "t"
      00 00            // packet id 0
      78` },
    5: { rule: 'MQTT-2.2.1-3', expect: MALFORMED_OR_PROTOCOL, bytes: hex`
      32 07 00 01 74   // PUBLISH QoS 1, topic "t"
      00 00            // packet id 0
      00 78` },
  },
  {
    name: 'SUBSCRIBE with packet identifier 0',
    connect: true,
    4: { rule: 'MQTT-2.3.1-1', expect: CLOSE, bytes: hex`
      82 06 00 00      // SUBSCRIBE, packet id 0
      00 01 74 00` },
    5: { rule: 'MQTT-2.2.1-3', expect: MALFORMED_OR_PROTOCOL, bytes: hex`
      82 07 00 00 00   // SUBSCRIBE, packet id 0, property length 0
      00 01 74 00` },
  },
  {
    name: 'UNSUBSCRIBE with packet identifier 0',
    connect: true,
    4: { rule: 'MQTT-2.3.1-1', expect: CLOSE, bytes: hex`
      A2 05 00 00      // UNSUBSCRIBE, packet id 0
      00 01 74` },
    5: { rule: 'MQTT-2.2.1-3', expect: MALFORMED_OR_PROTOCOL, bytes: hex`
      A2 06 00 00 00   // UNSUBSCRIBE, packet id 0, property length 0
      00 01 74` },
  },
  {
    name: 'PUBLISH with the Payload Format Indicator twice',
    connect: true,
    5: { rule: 'section 3.3.2.3.2', expect: closeWith('DISCONNECT 0x82'), bytes: hex`
      30 09 00 01 74
      04 01 01 01 01   // properties: Payload Format Indicator 1, twice
      78` },
  },
  {
    name: 'PUBLISH with the Topic Alias twice',
    connect: true,
    5: { rule: 'section 3.3.2.3.4', expect: closeWith('DISCONNECT 0x82'), bytes: hex`
      30 0B 00 01 74
      06 23 00 01 23 00 01   // properties: Topic Alias 1, twice
      78` },
  },
  {
    name: 'PUBLISH with an unknown property identifier (0x04)',
    connect: true,
    5: { rule: 'section 2.2.2.2', expect: closeWith('DISCONNECT 0x81'), bytes: hex`
      30 06 00 01 74
      01 04            // property length 1, identifier 0x04 (none)
      78` },
  },
  {
    name: 'PUBLISH with a CONNECT-only property (Session Expiry Interval)',
    connect: true,
    5: { rule: 'section 2.2.2.2', expect: closeWith('DISCONNECT 0x81'), bytes: hex`
      30 0A 00 01 74
      05 11 00 00 00 0A   // Session Expiry Interval 10
      78` },
  },
  {
    name: 'PUBLISH whose property length runs past the packet',
    connect: true,
    5: { rule: 'section 2.2.2.1', expect: closeWith('DISCONNECT 0x81'), bytes: hex`
      30 05 00 01 74
      09               // property length 9, 1 byte left
      78` },
  },
  {
    name: 'PUBLISH with a User Property name that is not UTF-8',
    connect: true,
    5: { rule: 'MQTT-1.5.7-1', expect: closeWith('DISCONNECT 0x81'), bytes: hex`
      30 0D 00 01 74
      08 26 00 02 C0 80 00 01 76   // User Property (C0 80, "v")
      78` },
  },
  {
    name: 'PUBLISH with Topic Alias 0',
    connect: true,
    // Section 3.3.4: "A Topic Alias value of 0 or greater than the Maximum Topic Alias is a
    // Protocol Error, the receiver uses DISCONNECT with Reason Code of 0x94".
    5: { rule: 'MQTT-3.3.2-8', expect: closeWith('DISCONNECT 0x94'),
      bytes: hex`
      30 08 00 01 74
      03 23 00 00      // Topic Alias 0
      78` },
  },
  {
    name: 'PUBLISH with Topic Alias 11, above the Topic Alias Maximum of 10',
    connect: true,
    5: { rule: 'MQTT-3.3.2-9', expect: closeWith('DISCONNECT 0x94'), bytes: hex`
      30 08 00 01 74
      03 23 00 0B      // Topic Alias 11
      78` },
  },
  {
    name: 'PUBLISH with an empty topic and a Topic Alias never set',
    connect: true,
    5: { rule: 'section 3.3.4', expect: closeWith('DISCONNECT 0x82'), bytes: hex`
      30 07 00 00      // PUBLISH, topic ""
      03 23 00 01      // Topic Alias 1, no mapping yet
      78` },
  },
  {
    name: 'PUBLISH with an empty topic and no Topic Alias',
    connect: true,
    4: { rule: 'MQTT-4.7.3-1', expect: CLOSE, bytes: hex`30 03 00 00 78   // PUBLISH, topic "", payload "x"` },
    5: { rule: 'section 3.3.2.1', expect: closeWith('DISCONNECT 0x82'), bytes: hex`30 04 00 00 00 78   // topic "", no properties` },
  },
  {
    name: 'PUBLISH from a client with a Subscription Identifier',
    connect: true,
    5: { rule: 'MQTT-3.3.4-6', expect: MALFORMED_OR_PROTOCOL,
      bytes: hex`
      30 07 00 01 74
      02 0B 05         // Subscription Identifier 5
      78` },
  },
  {
    name: 'PUBLISH with a Response Topic holding a wildcard',
    connect: true,
    5: { rule: 'MQTT-3.3.2-14', expect: MALFORMED_OR_PROTOCOL, bytes: hex`
      30 0B 00 01 74
      06 08 00 03 61 2F 23   // Response Topic "a/#"
      78` },
  },
  {
    name: 'QoS 0 PUBLISH with DUP set',
    connect: true,
    4: { rule: 'MQTT-3.3.1-2', expect: CLOSE, bytes: hex`38 04 00 01 74 78   // PUBLISH DUP, QoS 0` },
    5: { rule: 'MQTT-3.3.1-2', expect: MALFORMED_OR_PROTOCOL, bytes: hex`38 05 00 01 74 00 78   // PUBLISH DUP, QoS 0` },
  },
  {
    name: 'PUBLISH whose topic length runs past the packet',
    connect: true,
    4: { rule: 'section 1.5.3', expect: CLOSE, bytes: hex`30 04 00 10 74 78   // topic length 16, 2 bytes left` },
    5: { rule: 'section 1.5.4', expect: closeWith('DISCONNECT 0x81'), bytes: hex`30 04 00 10 74 78   // topic length 16, 2 bytes left` },
  },
  {
    name: '5.0 PUBLISH without its property length (the 3.1.1 form)',
    connect: true,
    5: { rule: 'section 3.3.2.3.1', expect: closeWith('DISCONNECT 0x81'), bytes: hex`
      30 04 00 01 74   // topic "t"
      78               // read as property length 120, past the packet` },
  },
  {
    name: '3.1.1 PUBLISH whose payload looks like 5.0 properties: delivered as payload',
    connect: true,
    4: { rule: 'section 3.3.3', expect: stayOpen(), deliver: { topic: 't', payload: hex`03 23 00 01` }, bytes: hex`
      30 07 00 01 74   // PUBLISH QoS 0, topic "t"
      03 23 00 01      // payload; in 5.0 it would be Topic Alias 1` },
  },
  {
    name: 'CONNACK sent to the broker',
    connect: true,
    4: { rule: 'MQTT-4.8.0-1', expect: CLOSE, bytes: hex`20 02 00 00   // CONNACK` },
    5: { rule: 'MQTT-4.13.1-1', expect: closeWith('DISCONNECT 0x82'), bytes: hex`20 03 00 00 00   // CONNACK` },
  },
  {
    name: 'SUBACK sent to the broker',
    connect: true,
    4: { rule: 'MQTT-4.8.0-1', expect: CLOSE, bytes: hex`90 03 00 01 00   // SUBACK id 1, QoS 0` },
    5: { rule: 'MQTT-4.13.1-1', expect: closeWith('DISCONNECT 0x82'), bytes: hex`90 04 00 01 00 00   // SUBACK id 1, QoS 0` },
  },
  {
    name: 'UNSUBACK sent to the broker',
    connect: true,
    4: { rule: 'MQTT-4.8.0-1', expect: CLOSE, bytes: hex`B0 02 00 01   // UNSUBACK id 1` },
    5: { rule: 'MQTT-4.13.1-1', expect: closeWith('DISCONNECT 0x82'), bytes: hex`B0 04 00 01 00 00   // UNSUBACK id 1, Success` },
  },
  {
    name: 'PINGRESP sent to the broker',
    connect: true,
    4: { rule: 'MQTT-4.8.0-1', expect: CLOSE, bytes: hex`D0 00   // PINGRESP` },
    5: { rule: 'MQTT-4.13.1-1', expect: closeWith('DISCONNECT 0x82'), bytes: hex`D0 00   // PINGRESP` },
  },
  {
    name: 'AUTH in 3.1.1 (packet type 15 is reserved)',
    connect: true,
    4: { rule: 'MQTT-4.8.0-1', expect: CLOSE, bytes: hex`F0 00   // AUTH` },
  },
  {
    name: 'packet type 0 (reserved)',
    connect: true,
    4: { rule: 'MQTT-4.8.0-1', expect: CLOSE, bytes: hex`00 00` },
    5: { rule: 'section 2.1.2', expect: closeWith('DISCONNECT 0x81'), bytes: hex`00 00` },
  },
  {
    name: 'SUBSCRIBE with fixed header flags 0000',
    connect: true,
    4: { rule: 'MQTT-3.8.1-1', expect: CLOSE, bytes: hex`
      80 06 00 01      // SUBSCRIBE, flags 0000 (must be 0010)
      00 01 74 00` },
    5: { rule: 'MQTT-3.8.1-1', expect: closeWith('DISCONNECT 0x81'), bytes: hex`
      80 07 00 01 00   // SUBSCRIBE, flags 0000 (must be 0010)
      00 01 74 00` },
  },
  {
    name: 'UNSUBSCRIBE with fixed header flags 0000',
    connect: true,
    4: { rule: 'MQTT-3.10.1-1', expect: CLOSE, bytes: hex`A0 05 00 01 00 01 74   // UNSUBSCRIBE, flags 0000` },
    5: { rule: 'MQTT-3.10.1-1', expect: closeWith('DISCONNECT 0x81'), bytes: hex`A0 06 00 01 00 00 01 74   // UNSUBSCRIBE, flags 0000` },
  },
  {
    name: 'PUBREL with fixed header flags 0000',
    connect: true,
    4: { rule: 'MQTT-3.6.1-1', expect: CLOSE, bytes: hex`60 02 00 01   // PUBREL, flags 0000 (must be 0010)` },
    5: { rule: 'MQTT-3.6.1-1', expect: closeWith('DISCONNECT 0x81'), bytes: hex`60 02 00 01   // PUBREL, flags 0000 (must be 0010)` },
  },
  {
    name: 'PUBACK with fixed header flags 0001',
    connect: true,
    4: { rule: 'MQTT-2.2.2-2', expect: CLOSE, bytes: hex`41 02 00 01   // PUBACK, flags 0001` },
    5: { rule: 'MQTT-2.1.3-1', expect: closeWith('DISCONNECT 0x81'), bytes: hex`41 02 00 01   // PUBACK, flags 0001` },
  },
  {
    name: 'PINGREQ with a Remaining Length of 1',
    connect: true,
    4: { rule: 'section 3.12', expect: CLOSE, bytes: hex`C0 01 00   // PINGREQ with one byte` },
    5: { rule: 'section 3.12', expect: closeWith('DISCONNECT 0x81'), bytes: hex`C0 01 00   // PINGREQ with one byte` },
  },
  {
    name: 'PUBACK with a reason code PUBACK does not have (0x05)',
    connect: true,
    5: { rule: 'MQTT-3.4.2-1', expect: MALFORMED_OR_PROTOCOL, bytes: hex`40 03 00 01 05   // PUBACK id 1, reason 0x05` },
  },
  {
    name: 'DISCONNECT with fixed header flags 0001; the will is published',
    connect: true, will: true, willPublished: true,
    4: { rule: 'MQTT-2.2.2-2', expect: CLOSE, bytes: hex`E1 00   // DISCONNECT, flags 0001` },
    5: { rule: 'MQTT-3.14.1-1', expect: closeWith('DISCONNECT 0x81'), bytes: hex`E1 00   // DISCONNECT, flags 0001` },
  },
  {
    name: '3.1.1 DISCONNECT with a body; the will is published',
    connect: true, will: true, willPublished: true,
    4: { rule: 'MQTT-3.1.2-8', expect: CLOSE, bytes: hex`E0 01 00   // DISCONNECT with one byte` },
  },
  {
    name: 'SUBSCRIBE with no topic filter',
    connect: true,
    4: { rule: 'MQTT-3.8.3-3', expect: CLOSE, bytes: hex`82 02 00 01   // SUBSCRIBE id 1, no payload` },
    5: { rule: 'MQTT-3.8.3-2', expect: closeWith('DISCONNECT 0x82'), bytes: hex`82 03 00 01 00   // SUBSCRIBE id 1, no properties, no payload` },
  },
  {
    name: 'UNSUBSCRIBE with no topic filter',
    connect: true,
    4: { rule: 'MQTT-3.10.3-2', expect: CLOSE, bytes: hex`A2 02 00 01   // UNSUBSCRIBE id 1, no payload` },
    5: { rule: 'MQTT-3.10.3-2', expect: closeWith('DISCONNECT 0x82'), bytes: hex`A2 03 00 01 00   // UNSUBSCRIBE id 1, no payload` },
  },
  {
    name: 'subscription options with reserved bits set',
    connect: true,
    // 3.1.1's id is printed "MQTT-3-8.3-4" in the standard.
    4: { rule: 'MQTT-3.8.3-4', expect: CLOSE, bytes: hex`
      82 06 00 01 00 01 74
      04               // requested QoS byte 0000 0100: bit 2 is reserved in 3.1.1` },
    5: { rule: 'MQTT-3.8.3-5', expect: closeWith('DISCONNECT 0x81'), bytes: hex`
      82 07 00 01 00 00 01 74
      40               // subscription options 0100 0000: bit 6 is reserved` },
  },
  {
    name: 'SUBSCRIBE asking for QoS 3',
    connect: true,
    4: { rule: 'MQTT-3.8.3-4', expect: CLOSE, bytes: hex`82 06 00 01 00 01 74 03   // filter "t", QoS 3` },
    5: { rule: 'section 3.8.3.1', expect: closeWith('DISCONNECT 0x82'), bytes: hex`82 07 00 01 00 00 01 74 03   // filter "t", QoS 3` },
  },
  {
    name: 'SUBSCRIBE with Retain Handling 3',
    connect: true,
    5: { rule: 'section 3.8.3.1', expect: closeWith('DISCONNECT 0x82'), bytes: hex`82 07 00 01 00 00 01 74 30   // options 0011 0000` },
  },
  {
    name: 'No Local on a shared subscription',
    connect: true,
    5: { rule: 'MQTT-3.8.3-4', expect: closeWith('DISCONNECT 0x82'), bytes: hex`
      82 10 00 01 00
      00 0A 24 73 68 61 72 65 2F 67 2F 74   // filter "$share/g/t"
      04                                    // No Local` },
  },
  {
    name: 'topic filter "a/#/b" (# not last)',
    connect: true,
    4: { rule: 'MQTT-4.7.1-2', expect: CLOSE, bytes: hex`82 0A 00 01 00 05 61 2F 23 2F 62 00   // filter "a/#/b"` },
    5: { rule: 'MQTT-4.7.1-1', expect: MALFORMED_OR_PROTOCOL, bytes: hex`82 0B 00 01 00 00 05 61 2F 23 2F 62 00   // filter "a/#/b"` },
  },
  {
    name: `PUBLISH topic of 65,536 levels in a 140 KB packet (maxTopicLevels ${MAX_TOPIC_LEVELS})`,
    connect: true,
    // 3.1.1 has no way to refuse a QoS 0 PUBLISH but to close.
    4: { rule: 'MQTT-4.7.3-3', expect: CLOSE, bytes: deepPublish(false) },  // 30 E0 C5 08 FF FF "/" x 65,535 ...
    5: { rule: 'MQTT-4.7.3-3', expect: closeWith('DISCONNECT 0x90'), bytes: deepPublish(true) },
  },
  {
    name: 'a 140 KB PUBLISH of nothing but "/"',
    connect: true,
    4: { rule: 'MQTT-4.7.3-3', expect: CLOSE, bytes: ALL_SLASHES },  // 30 E0 C5 08 2F 2F 2F ...
    5: { rule: 'section 2.2.2.2', expect: closeWith('DISCONNECT 0x81'), bytes: ALL_SLASHES },
  },
  {
    name: 'SUBSCRIBE to a filter of 65,536 levels: refused in the SUBACK, not a disconnect',
    connect: true,
    4: { rule: 'MQTT-3.9.3-2', expect: stayOpen('SUBACK 0x80'), bytes: deepSubscribe(false) },  // 82 84 80 04 00 01 FF FF "/" ...
    5: { rule: 'section 3.9.3', expect: stayOpen('SUBACK 0x8F'), bytes: deepSubscribe(true) },
  },
  {
    name: 'DISCONNECT that sets a Session Expiry Interval after CONNECT had 0; the will is published',
    connect: true, will: true, willPublished: true,
    5: { rule: 'section 3.14.2.2.2', expect: closeWith('DISCONNECT 0x82'), bytes: hex`
      E0 07 00         // DISCONNECT, Normal disconnection
      05 11 00 00 00 3C   // Session Expiry Interval 60` },
  },
  {
    name: 'AUTH when CONNECT had no Authentication Method',
    connect: true,
    5: { rule: 'MQTT-4.12.0-7', expect: closeWith('DISCONNECT 0x82'), bytes: hex`F0 00   // AUTH, Success, no properties` },
  },
  {
    name: 'AUTH re-authenticate without an Authentication Method',
    connect: true,
    5: { rule: 'MQTT-4.12.0-7', expect: closeWith('DISCONNECT 0x82'), bytes: hex`F0 02 19 00   // AUTH 0x19, no properties` },
  },
  {
    name: 'a truncated PUBLISH, then the client closes: no reply, no crash; the will is published',
    connect: true, will: true, willPublished: true, clientCloses: true,
    4: { rule: 'MQTT-3.1.2-8', expect: CLOSE, bytes: hex`30 0A 00 03 61 2F 62   // PUBLISH, 5 of its 10 bytes` },
    5: { rule: 'MQTT-3.1.2-8', expect: CLOSE, bytes: hex`30 0A 00 03 61 2F 62   // PUBLISH, 5 of its 10 bytes` },
  },
  {
    name: 'a PUBLISH after DISCONNECT: not delivered, and no will',
    connect: true, will: true, willPublished: false,
    4: { rule: 'MQTT-3.14.4-3', expect: CLOSE, bytes: hex`
      E0 00                         // DISCONNECT
      30 07 00 01 74 6C 61 74 65    // PUBLISH "t" "late"` },
    5: { rule: 'MQTT-3.14.4-3', expect: CLOSE, bytes: hex`
      E0 00                         // DISCONNECT
      30 08 00 01 74 00 6C 61 74 65 // PUBLISH "t" "late"` },
  },
];

// One test per row and version.
const CASES = [];
for (const row of ROWS) {
  for (const key of ['any', 4, 5]) {
    if (!row[key]) continue;
    const c = { ...row, ...row[key], v: key === 'any' ? 4 : key };
    for (const k of ['any', 4, 5]) delete c[k];
    const label = key === 'any' ? '[before CONNECT]' : key === 4 ? '[3.1.1]' : '[5.0]';
    const rule = c.rule.startsWith('MQTT-') ? `[${c.rule}]` : `(${c.rule})`;
    c.title = `${label} ${c.name} ${rule} -> ${describe(c.expect)}`;
    CASES.push(c);
  }
}

test(`the table has at least 40 cases (${CASES.length}), each with bytes, a rule and an expectation`, () => {
  assert.ok(CASES.length >= 40);
  for (const c of CASES) assert.ok(c.bytes instanceof Uint8Array && c.expect && c.rule, c.title);
});

for (const c of CASES) {
  test(c.title, { todo: c.todo }, () => harness.run(c));
}

test('afterwards: only the bystanders and the publisher are connected, and they still work', async () => {
  const stats = () => harness.broker.stats().clientsConnected;
  assert.ok(await until(() => stats() === 3, CLOSE_MS), `clientsConnected is ${stats()}, expected 3`);
  const problems = [];
  await harness.canary(problems);
  assert.deepEqual(problems, []);
  for (const b of harness.bystanders) assert.equal(b.closed, false);
});
