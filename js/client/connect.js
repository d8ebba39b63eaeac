// connect() and connectAsync(), as MQTT.js has them.
//
//   const client = connect('ws://broker:8080', options);   // returns at once
//   const client = await connectAsync(broker.connectLocal(), options);
//
// The target is a URL (mqtt://, tcp://, mqtts://, tls:// in Node; ws://, wss://), a
// transport such as broker.connectLocal(), or a function returning either (or a
// Promise of one), called again for every reconnect. Bad options throw at once.
import { MqttClient } from './client.js';

export function connect(target, options) {
  return new MqttClient(target, options);
}

// Resolves once a CONNACK accepted the connection. Rejects with the MqttError of the
// first failure (a refusal with its reason code, connectTimeout, or the transport's
// error), after ending the client.
export function connectAsync(target, options) {
  let client;
  try {
    const given = options ?? (typeof target === 'object' && target !== null && !('send' in target) ? target : undefined);
    if (given?.manualConnect) {
      throw new TypeError('connectAsync: manualConnect would never connect here; use connect() and then client.connect()');
    }
    client = new MqttClient(target, options);
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const done = () => {
      client.off('connect', onConnect);
      client.off('error', onError);
      client.off('end', onEnd);
    };
    const onConnect = () => {
      done();
      resolve(client);
    };
    const onError = (err) => {
      done();
      client.end(true);
      reject(err);
    };
    const onEnd = () => {
      done();
      reject(new Error('connectAsync: the client ended before it connected'));
    };
    client.on('connect', onConnect);
    client.on('error', onError);
    client.on('end', onEnd);
  });
}
