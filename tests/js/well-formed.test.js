// js/well-formed.js: the fallback for browsers without String.prototype.isWellFormed
// (before 2023) gives the same answers as the built-in, which Node 20 has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasNoLoneSurrogate, isWellFormed } from '../../js/well-formed.js';

const UNITS = [0x61, 0x2f, 0x00, 0xe9, 0x4e2d, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffd, 0xffff];

test('the fallback agrees with String.prototype.isWellFormed', () => {
  const fixed = ['', 'a/b', '\u0000', 'h\u00e9', '\u{1F600}', 'a\uD83D\uDE00b', '\uD800', '\uDC00',
    '\uDE00\uD83D', 'x\uD83D', '\uDBFF\uDFFF', '\uD800\uD800\uDC00'];
  for (const s of fixed) {
    assert.equal(hasNoLoneSurrogate(s), s.isWellFormed(), JSON.stringify(s));
    assert.equal(isWellFormed(s), s.isWellFormed(), JSON.stringify(s));
  }
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  let lone = 0;
  for (let n = 0; n < 20000; n++) {
    const units = Array.from({ length: next() % 6 }, () => UNITS[next() % UNITS.length]);
    const s = String.fromCharCode(...units);
    if (!s.isWellFormed()) lone++;
    assert.equal(hasNoLoneSurrogate(s), s.isWellFormed(), JSON.stringify(s));
  }
  assert.ok(lone > 1000 && lone < 19000, `both kinds were tried (${lone} with a lone surrogate)`);
});
