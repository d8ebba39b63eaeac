// What changed between two JSON values, for the inspector's history.
//   jsonDiff(before, after, { max = 50 }) -> { changes: [{ path, kind, before, after }], more }
//     kind: 'changed' | 'added' | 'removed'; path: 'a.b', 'list.0', or '' for the whole
//     value (two different primitives, or an object against an array). Objects and arrays
//     are compared key by key, recursively; at most `max` changes, `more` counts the rest.
//   shortValue(value, maxLength = 60) -> compact JSON text, cut with '…'.

export function jsonDiff(before, after, { max = 50 } = {}) {
  const changes = [];
  let more = 0;
  const add = (change) => {
    if (changes.length < max) changes.push(change);
    else more++;
  };
  walk(before, after, '', add);
  return { changes, more };
}

const isContainer = (v) => v !== null && typeof v === 'object';

function walk(before, after, path, add) {
  if (isContainer(before) && isContainer(after) && Array.isArray(before) === Array.isArray(after)) {
    const join = (key) => (path ? `${path}.${key}` : String(key));
    for (const key of Object.keys(before)) {
      if (!Object.hasOwn(after, key)) add({ path: join(key), kind: 'removed', before: before[key], after: undefined });
      else walk(before[key], after[key], join(key), add);
    }
    for (const key of Object.keys(after)) {
      if (!Object.hasOwn(before, key)) add({ path: join(key), kind: 'added', before: undefined, after: after[key] });
    }
    return;
  }
  if (!sameValue(before, after)) add({ path, kind: 'changed', before, after });
}

function sameValue(a, b) {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b)) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function shortValue(value, maxLength = 60) {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
