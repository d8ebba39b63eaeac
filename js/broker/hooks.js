// Runs an application hook for a core request and turns its result into the answer
// the core expects: a reason code, and for enhanced AUTH the data to send back.
//
//   authenticate(client)                       -> true | false | reason code
//   authorizePublish(client, message)          -> true | false | reason code
//   authorizeSubscribe(client, subscription)   -> true | false | granted QoS | reason code
//   enhancedAuth(client, { method, data, reauthenticate })
//        -> { continue: data } | true | { success: data } | false | reason code
// A hook that throws, or rejects, refuses with 0x80 Unspecified error and is reported
// to options.onError.
const SUCCESS = 0x00;
const CONTINUE = 0x18;
const UNSPECIFIED = 0x80;
const BAD_CREDENTIALS = 0x86;
const NOT_AUTHORIZED = 0x87;

// A hook's answer as a reason code: true is 0, false the hook's refusal, a number a
// refusal code (0x80 and up) or 0; `granted` also lets a QoS (0..2) through.
function codeOf(result, refusal, granted = false) {
  if (result === true) return SUCCESS;
  if (result === false || result === undefined || result === null) return refusal;
  if (Number.isInteger(result) && (result === SUCCESS || (result >= 0x80 && result <= 0xff) || (granted && result <= 2))) {
    return result;
  }
  const expected = granted ? 'true, false, a QoS (0, 1, 2) or a reason code from 0x80' : 'true, false or a reason code from 0x80';
  throw new TypeError(`a hook returned ${String(result)}: expected ${expected}`);
}

function clientOf(r, address) {
  return { id: r.clientId, username: r.username, password: r.password, address };
}

export async function runHook(options, r, address) {
  const client = clientOf(r, address);
  try {
    switch (r.kind) {
      case 'authenticate':
        return { code: codeOf(await options.authenticate(client), BAD_CREDENTIALS) };
      case 'authorizePublish': {
        const message = { topic: r.topic, payload: r.payload, qos: r.qos, retain: r.retain, isWill: r.isWill };
        return { code: codeOf(await options.authorizePublish(client, message), NOT_AUTHORIZED) };
      }
      case 'authorizeSubscribe': {
        const result = await options.authorizeSubscribe(client, { topic: r.topic, qos: r.qos });
        return { code: result === true ? r.qos : codeOf(result, NOT_AUTHORIZED, true) };
      }
      case 'enhancedAuth': {
        const result = await options.enhancedAuth(client, { method: r.method, data: r.data, reauthenticate: r.reauthenticate });
        if (result && typeof result === 'object') {
          if ('continue' in result) return { code: CONTINUE, data: result.continue };
          if ('success' in result) return { code: SUCCESS, data: result.success };
        }
        return { code: codeOf(result, NOT_AUTHORIZED) };
      }
      default:
        throw new Error(`unknown request kind ${r.kind}`);
    }
  } catch (err) {
    options.onError(err);
    return { code: UNSPECIFIED };
  }
}
