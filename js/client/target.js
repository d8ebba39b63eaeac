// Where each connection attempt gets its transport from, for the three kinds of
// connect() target:
//   a URL                       opened anew for every attempt;
//   a function                  called for every attempt; it returns a URL or a
//                               transport, or a Promise of one;
//   a transport object          used for the first attempt. A transport that can make
//                               its successor (`reopen()`, as broker.connectLocal()'s
//                               has) gives the next ones; any other cannot be reconnected.
import { brokerUrl, isTransport, openTransport } from '../transports/open-transport.js';
import { locationUrl } from './options.js';

// A URL connect() can use here, or a clear error now rather than at the first attempt.
export const checkUrl = (text) => brokerUrl(text, 'connect: ');

// Why a transport object given to connect() gives no next attempt.
export const NOT_REOPENABLE = 'the transport given to connect() has closed and cannot be reopened: ' +
  'pass a URL, or a function that returns a new transport, to reconnect';

// connect(target, options) as MQTT.js takes it: connect(options) with protocol, host
// and port in the options, or a URL with the user name and password in it.
export function resolveTarget(target, options) {
  if (target === undefined || target === null) return [locationUrl(options ?? {}), options];
  if (typeof target === 'object' && !(target instanceof URL) && !isTransport(target) && options === undefined) {
    return [locationUrl(target), target];
  }
  if (typeof target === 'string' || target instanceof URL) {
    const url = checkUrl(String(target));
    if (url.username || url.password) {
      const credentials = { username: decodeURIComponent(url.username) };
      if (url.password) credentials.password = decodeURIComponent(url.password);
      options = { ...credentials, ...options };
      url.username = '';
      url.password = '';
    }
    return [url.href, options];
  }
  return [target, options];
}

export class TransportSource {
  #target;
  #options;
  #kind;  // 'url' | 'function' | 'transport'
  #used = false;

  constructor(target, transportOptions) {
    this.#options = transportOptions;
    if (typeof target === 'function') this.#kind = 'function';
    else if (isTransport(target)) this.#kind = 'transport';
    else {
      this.#kind = 'url';
      target = checkUrl(String(target)).href;
    }
    this.#target = target;
  }

  // Whether another attempt can get a transport after the first.
  get reopenable() {
    return this.#kind !== 'transport' || typeof this.#target.reopen === 'function';
  }

  // The transport for the next attempt, open (or a rejection saying why not).
  async open() {
    if (this.#kind === 'url') return openTransport(this.#target, this.#options);
    if (this.#kind === 'function') {
      const made = await this.#target();
      if (!isTransport(made) && typeof made !== 'string' && !(made instanceof URL)) {
        throw new TypeError('connect: the target function must return a URL or a transport (or a Promise of one)');
      }
      if (isTransport(made)) return openTransport(made, this.#options);
      const url = checkUrl(String(made));
      // The CONNECT, credentials included, is made once from connect()'s options.
      if (url.username || url.password) {
        throw new TypeError('connect: the URL from the target function has a user name or password, which would not be sent: ' +
          'give username and password in connect()\'s options');
      }
      return openTransport(url.href, this.#options);
    }
    if (this.#used) {
      if (typeof this.#target.reopen !== 'function') {
        throw new Error(NOT_REOPENABLE);
      }
      this.#target = this.#target.reopen();
    }
    this.#used = true;
    return openTransport(this.#target, this.#options);
  }
}
