// A Chromium tab that can really be sent to the background, for the client's
// background-tab keepalive test.
//
// Playwright cannot hide a page: it turns on focus emulation
// (Emulation.setFocusEmulationEnabled) in every page it drives, and with it a headless
// page stays document.visibilityState === 'visible' whatever is in front (tried here:
// bringToFront of another page, window.open, minimizing the window, turning emulation
// off from a second CDP session). So this starts the Debian Chromium itself, headless,
// and speaks the DevTools protocol to it over its WebSocket: the page under test is one
// tab, and activating a second tab in the same window (Target.activateTarget) makes it
// 'hidden', with the throttling of a real background tab.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { spawnPeer, until } from '../js/broker-peers.js';
import { CHROMIUM_PATH, CHROMIUM_FLAGS } from './chromium.js';

const FLAGS = ['--headless', ...CHROMIUM_FLAGS, '--no-default-browser-check', '--remote-debugging-port=0'];

/**
 * Starts Chromium with `args` added and opens `url` in a tab.
 * Resolves { evaluate(fn, arg), hide(), visibility(), errors, close() }:
 * evaluate runs fn(arg) in the page (awaiting what it returns; arg and result as JSON).
 */
export async function openTab(url, { args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mqttw-chromium-'));
  const browser = spawnPeer(CHROMIUM_PATH, [...FLAGS, `--user-data-dir=${dir}`, ...args, 'about:blank'], { timeoutMs: 5 * 60 * 1000 });
  const onExit = () => browser.kill('SIGKILL');  // a test that threw leaves nothing running
  process.once('exit', onExit);
  let ws = null;
  const close = async () => {
    process.off('exit', onExit);
    ws?.close();
    browser.kill('SIGKILL');
    await browser.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const portFile = join(dir, 'DevToolsActivePort');
    await until(() => existsSync(portFile) && readFileSync(portFile, 'utf8').includes('\n'), 'Chromium to open its DevTools port', 20000);
    const [port, path] = readFileSync(portFile, 'utf8').split('\n');
    ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });

    let next = 0;
    const waiting = new Map();
    const errors = [];
    ws.on('message', (data) => {
      const message = JSON.parse(data);
      if (message.id !== undefined) {
        const w = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error) w?.reject(new Error(`${w.method}: ${message.error.message}`));
        else w?.resolve(message.result);
      } else if (message.method === 'Runtime.exceptionThrown') {
        errors.push(message.params.exceptionDetails.exception?.description ?? message.params.exceptionDetails.text);
      }
    });
    const send = (method, params = {}, sessionId = undefined) => new Promise((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject, method });
      ws.send(JSON.stringify({ id, method, params, sessionId }));
    });

    const { targetId } = await send('Target.createTarget', { url });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    await send('Runtime.enable', {}, sessionId);
    const evaluate = async (fn, arg) => {
      const { result, exceptionDetails } = await send('Runtime.evaluate', {
        expression: `(${fn})(${JSON.stringify(arg)})`, awaitPromise: true, returnByValue: true,
      }, sessionId);
      if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      return result.value;
    };
    return {
      evaluate,
      errors,
      visibility: () => evaluate(() => document.visibilityState),
      // Another tab comes to the front of the same window: ours goes to the background.
      async hide() {
        const other = await send('Target.createTarget', { url: 'about:blank' });
        await send('Target.activateTarget', { targetId: other.targetId });
      },
      async show() {
        await send('Target.activateTarget', { targetId });
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
