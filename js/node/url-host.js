// A host as a URL writes it: an IPv6 address goes in brackets, so that its colons are
// not read as the port's.
//
//   hostForUrl('::1')        '[::1]'          (mqtt://[::1]:1883)
//   hostForUrl('127.0.0.1')  '127.0.0.1'
//   hostForUrl('[::1]')      '[::1]'          (already bracketed: left as it is)

/** The host with brackets when it is an IPv6 address (it has a colon). */
export function hostForUrl(host) {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
