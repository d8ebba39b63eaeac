// ignoreBOM: a leading U+FEFF is part of the string and must not be stripped
// [MQTT-1.5.4-3]; TextDecoder's default would drop it.
const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

const charCodes = [];

// The codec has already checked that the bytes are valid MQTT UTF-8. Short ASCII
// strings are built from char codes: TextDecoder has a fixed cost of about 60 ns.
export function utf8(u8, ptr, len) {
  if (len <= 64) {
    charCodes.length = len;
    for (let i = 0; i < len; i++) {
      const c = u8[ptr + i];
      if (c > 0x7f) return textDecoder.decode(u8.subarray(ptr, ptr + len));
      charCodes[i] = c;
    }
    return String.fromCharCode.apply(null, charCodes);
  }
  return textDecoder.decode(u8.subarray(ptr, ptr + len));
}
