// Bytes as a hex dump for the inspector: offset, hex and ASCII columns, 16 bytes a line
// (or `width`: 8 fits a phone).
//   hexDump(bytes, { maxBytes = 4096, width = 16 }) -> { text, shown, total, truncated }
//     00000000  7b 22 61 22 3a 31 7d                              |{"a":1}|
import { hex2 } from '../lib/bytes.js';

const printable = (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

export function hexDump(bytes, { maxBytes = 4096, width = 16 } = {}) {
  const total = bytes.length;
  const shown = Math.min(total, maxBytes);
  const lines = [];
  for (let offset = 0; offset < shown; offset += width) {
    const end = Math.min(offset + width, shown);
    let hex = '';
    let ascii = '';
    for (let i = offset; i < offset + width; i++) {
      if (i === offset + 8 && width > 8) hex += ' ';
      if (i < end) {
        hex += hex2(bytes[i]) + ' ';
        ascii += printable(bytes[i]);
      } else {
        hex += '   ';
      }
    }
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return { text: lines.join('\n'), shown, total, truncated: shown < total };
}
