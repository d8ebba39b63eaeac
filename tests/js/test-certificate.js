// A throwaway self-signed certificate for localhost, made by openssl, for TLS and
// wss tests. `certificate()` returns { pem: { key, cert } } or { missing: reason }.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function certificate() {
  const dir = mkdtempSync(join(tmpdir(), 'mqttw-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
    { stdio: 'pipe' });
    return { pem: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) } };
  } catch (err) {
    return { missing: `openssl could not make a test certificate (${err.code ?? err.message})` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
