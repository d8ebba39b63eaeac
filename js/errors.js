// MqttError: what the codec (and later the client and broker) throw for bad input.
import { reasonCodeName } from './reason-codes.js';

export class MqttError extends Error {
  /**
   * @param {number} reasonCode the MQTT 5.0 reason code (0x81 Malformed Packet, ...)
   * @param {string} message a readable reason, usually citing the spec rule broken
   * @param {object} [extra] more fields to carry, e.g. `packets` decoded before the error
   */
  constructor(reasonCode, message, extra) {
    super(message);
    this.name = 'MqttError';
    this.reasonCode = reasonCode;
    this.reasonName = reasonCodeName(reasonCode);
    if (extra) Object.assign(this, extra);
  }
}

// A value as an error message shows it: a string in quotes, so that '1' is not read as 1.
export const shown = (value) => (typeof value === 'string' ? JSON.stringify(value) : String(value));
