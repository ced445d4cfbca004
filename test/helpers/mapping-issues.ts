import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildGateway } from '../../src/app.js';
import { ConfigError, formatIssue } from '../../src/config/config-error.js';
import { validateConfigData } from '../../src/config/load-config.js';
import { createLogging } from '../../src/observability/logger.js';
import { ROOT } from './gateway-harness.js';

/** Builds a gateway from config data with one mapping file written from `lines`; resolves with its issues. */
export type IssuesOf = (lines: string[], extra?: Record<string, unknown>) => Promise<string[]>;

/**
 * An {@link IssuesOf} over `config` (paths relative to the repository root), writing the mapping to `dir`/m.yaml.
 * `extra` is merged over the config data per top-level key. Every config issue comes back formatted, the mapping
 * file named `m.yaml`; none when the gateway builds.
 */
export function mappingIssues(dir: string, config: Record<string, unknown>): IssuesOf {
  return async function issuesOf(lines, extra = {}) {
    const file = path.join(dir, 'm.yaml');
    writeFileSync(file, lines.join('\n') + '\n');
    const validated = validateConfigData({ ...config, mappings: [file], ...extra }, { file: 'gateway.yaml', baseDir: ROOT, env: {} });
    try {
      const gateway = buildGateway(validated, createLogging('silent', false));
      await gateway.close(0);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.issues.map((issue) => formatIssue(issue).replace(file, 'm.yaml'));
    }
  };
}
