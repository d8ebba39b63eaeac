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

function codeOf(result, refusal) {
  if (result === true) return SUCCESS;
  if (result === false || result === undefined || result === null) return refusal;
  if (Number.isInteger(result) && result >= 0 && result <= 255) return result;
  throw new TypeError(`a hook returned ${String(result)}: expected true, false or a reason code`);
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
        return { code: result === true ? r.qos : codeOf(result, NOT_AUTHORIZED) };
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
