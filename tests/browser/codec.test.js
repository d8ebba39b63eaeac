// The package in a real browser: headless Chromium loads the same built artifact
// (js/index.js + js/wasm/mqttw.wasm) through an import map, as a page that
// does `import { encode, createDecoder, MqttError } from 'mqtt-wasm'` would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPackagePage } from './package-page.js';

const page = `<!doctype html>
<script type="importmap">{ "imports": { "mqtt-wasm": "/js/index.js" } }</script>
<script type="module">
  import { encode, createDecoder, MqttError } from 'mqtt-wasm';
  window.mqtt = { encode, createDecoder, MqttError };
  window.ready = true;
</script>`;

let opened;
let tab;

before(async () => {
  opened = await openPackagePage('/codec.html', page);
  ({ tab } = opened);
});

after(() => opened?.close());

test('encode and decode a 5.0 PUBLISH with properties in the browser', async () => {
  const result = await tab.evaluate(() => {
    const { encode, createDecoder } = window.mqtt;
    const bytes = encode({
      cmd: 'publish', topic: 'sensors/room1/temp', qos: 1, messageId: 42,
      payload: new TextEncoder().encode('21.5'),
      properties: { contentType: 'text/plain', userProperties: { unit: 'C' } },
    }, { protocolVersion: 5 });
    const decoder = createDecoder({ protocolVersion: 5 });
    // One byte at a time, as a slow socket might deliver it.
    const packets = [];
    for (const byte of bytes) packets.push(...decoder.push(new Uint8Array([byte])));
    const p = packets[0];
    return {
      count: packets.length, bytesIsUint8Array: bytes instanceof Uint8Array,
      topic: p.topic, qos: p.qos, messageId: p.messageId, payload: new TextDecoder().decode(p.payload),
      payloadIsUint8Array: p.payload instanceof Uint8Array,
      contentType: p.properties.contentType, unit: p.properties.userProperties.unit,
    };
  });
  assert.deepEqual(result, {
    count: 1, bytesIsUint8Array: true, topic: 'sensors/room1/temp', qos: 1, messageId: 42,
    payload: '21.5', payloadIsUint8Array: true, contentType: 'text/plain', unit: 'C',
  });
});

test('in the browser, a result\'s buffer transferred to a worker leaves every other result and later call whole', async () => {
  const result = await tab.evaluate(async () => {
    const { encode, createDecoder } = window.mqtt;
    const packet = (topic) => ({ cmd: 'publish', topic, payload: new Uint8Array(200).fill(1) });
    const earlier = encode(packet('earlier'));
    const sent = encode(packet('sent'));
    const size = sent.length;
    const worker = new Worker(URL.createObjectURL(new Blob(['onmessage = (e) => postMessage(e.data.length)'])));
    const received = await new Promise((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.postMessage(sent, [sent.buffer]);
    });
    worker.terminate();
    const decode = (bytes) => createDecoder({ protocolVersion: 4 }).push(bytes)[0].topic;
    const later = [];
    for (let i = 0; i < 50; i++) later.push(decode(encode(packet(`later/${i}`))));
    return { received: received === size, sentLength: sent.length, earlier: decode(earlier), bufferOfItsOwn: earlier.buffer.byteLength === earlier.length, later: later.at(-1) };
  });
  assert.deepEqual(result, { received: true, sentLength: 0, earlier: 'earlier', bufferOfItsOwn: true, later: 'later/49' });
});

test('a broker-side decoder takes the protocol level from CONNECT in the browser', async () => {
  const result = await tab.evaluate(() => {
    const { encode, createDecoder } = window.mqtt;
    const connect = encode({ cmd: 'connect', protocolVersion: 5, clientId: 'tab-1', properties: { sessionExpiryInterval: 60 } });
    const pingreq = encode({ cmd: 'disconnect', reasonCode: 0x04 }, { protocolVersion: 5 });
    const both = new Uint8Array(connect.length + pingreq.length);
    both.set(connect);
    both.set(pingreq, connect.length);
    const decoder = createDecoder();
    const packets = decoder.push(both);
    return packets.map((p) => [p.cmd, p.protocolVersion ?? null, p.reasonCode ?? null]);
  });
  assert.deepEqual(result, [['connect', 5, null], ['disconnect', null, 0x04]]);
});

test('malformed input throws MqttError with a reason code in the browser', async () => {
  const result = await tab.evaluate(() => {
    const { encode, createDecoder, MqttError } = window.mqtt;
    const good = encode({ cmd: 'pingreq' });
    const bad = new Uint8Array([0x30, 0x04, 0x00, 0x02, 0x61, 0x2b]); // PUBLISH, topic "a+": a wildcard
    const input = new Uint8Array([...good, ...bad]);
    try {
      createDecoder({ protocolVersion: 4 }).push(input);
      return 'no error';
    } catch (err) {
      return { isMqttError: err instanceof MqttError, reasonCode: err.reasonCode, packets: err.packets.map((p) => p.cmd) };
    }
  });
  assert.deepEqual(result, { isMqttError: true, reasonCode: 0x82, packets: ['pingreq'] });
});

test('large payloads in the browser: a view of one chunk, or gathered from several', async () => {
  const result = await tab.evaluate(() => {
    const { encode, createDecoder } = window.mqtt;
    const payload = new Uint8Array(100000).map((_, i) => (i * 7) & 0xff);
    const wire = encode({ cmd: 'publish', topic: 'big', qos: 1, messageId: 3, payload });
    const same = (p) => p.payload.length === payload.length && p.payload.every((b, i) => b === payload[i]);
    const [whole] = createDecoder({ protocolVersion: 4 }).push(wire);
    const decoder = createDecoder({ protocolVersion: 4 });
    const gathered = [];
    const buffered = [];
    for (let at = 0; at < wire.length; at += 30000) {
      gathered.push(...decoder.push(wire.slice(at, at + 30000)));
      buffered.push(decoder.buffered);
    }
    return {
      wholeIsView: whole.payload.buffer === wire.buffer, wholeRight: same(whole),
      gatheredCount: gathered.length, gatheredRight: same(gathered[0]), buffered,
    };
  });
  assert.deepEqual(result, {
    wholeIsView: true, wholeRight: true, gatheredCount: 1, gatheredRight: true, buffered: [30000, 60000, 90000, 0],
  });
});
