// True when a string has no lone UTF-16 surrogate, so that it has a UTF-8 form
// [MQTT-1.5.4-1]. String.prototype.isWellFormed came in 2023 (Chrome 111, Firefox 119,
// Safari 16.4); in older browsers a Unicode regex gives the same answer.
const LONE_SURROGATE = /\p{Cs}/u;

export const hasNoLoneSurrogate = (s) => !LONE_SURROGATE.test(s);

export const isWellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (s) => s.isWellFormed()
  : hasNoLoneSurrogate;
