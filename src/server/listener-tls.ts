import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { ConfigError, toPointer, type ConfigIssue } from '../config/config-error.js';
import type { GatewayConfig } from '../config/load-config.js';

/** The certificate chain and key of an https listener, read from its files and checked to be a usable pair. */
export interface ListenerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * Reads the TLS files of every https listener of `config`, by listener name. A missing or unreadable file, or a
 * key that does not fit its certificate, is a ConfigError naming the listener's entry: at start nothing listens,
 * on reload the running certificates stay.
 */
export function readListenerTls(config: GatewayConfig): ReadonlyMap<string, ListenerTls> {
  const loaded = new Map<string, ListenerTls>();
  const issues: ConfigIssue[] = [];
  config.listeners.forEach((listener, index) => {
    if (listener.protocol !== 'https' || listener.tls === undefined) return;
    const at = (key: string): string => toPointer(['listeners', index, 'tls', key]);
    const read = (key: 'cert' | 'key'): Buffer | undefined => {
      const file = (listener.tls as { cert: string; key: string })[key];
      try {
        return readFileSync(path.resolve(config.baseDir, file));
      } catch (error) {
        issues.push({ file: config.file, pointer: at(key), message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
        return undefined;
      }
    };
    const cert = read('cert');
    const key = read('key');
    if (cert === undefined || key === undefined) return;
    try {
      createSecureContext({ cert, key });
    } catch (error) {
      issues.push({ file: config.file, pointer: at('key'), message: `the key and certificate of listener "${listener.name}" are not a usable pair: ${(error as Error).message}` });
      return;
    }
    loaded.set(listener.name, { cert, key });
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return loaded;
}
