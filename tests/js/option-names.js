// Option names, for the tests that check which names connect() takes: the names an
// interface of a .d.ts declares, and what connect() says of one name.
import assert from 'node:assert/strict';

// The field names of `export interface Name ... { ... }` in declarations text: the
// `name?: type;` lines at `indent` spaces (2 in js/index.d.ts, 4 in MQTT.js's build).
export function declaredFields(dts, name, indent = 2) {
  const block = dts.match(new RegExp(`export interface ${name}\\b[^{]*\\{\\n([\\s\\S]*?)\\n\\}`))?.[1];
  assert.ok(block, `interface ${name} is declared`);
  return [...block.matchAll(new RegExp(`^ {${indent}}(\\w+)\\??:`, 'gm'))].map((m) => m[1]);
}

// The error connect() throws for an option of this name, or null when it takes it. The
// value is a Symbol, which is no option's value: it may be refused for its value, never
// for its name.
export async function refusalOfName(connect, name) {
  try {
    const client = connect({ manualConnect: true, [name]: Symbol(name), ...(name === 'manualConnect' ? {} : { manualConnect: true }) });
    await client.end(true);
    return null;
  } catch (err) {
    return err;
  }
}
