#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { buildGateway, type Gateway } from './app.js';
import { createFileReloader } from './reload.js';
import { readListenerTls } from './server/listener-tls.js';
import { ConfigError, formatIssues } from './config/config-error.js';
import { configJsonSchema, mappingJsonSchema } from './config/json-schema.js';
import { loadConfig, type GatewayConfig } from './config/load-config.js';
import { startDemoBackends, printDemoExamples } from './demo/demo.js';
import { createLogging, flushLogging } from './observability/logger.js';
import { fetchSoapWsdls } from './pipeline/soap-services.js';
import { formatRouteTable } from './pipeline/route-table.js';

const USAGE = `usage: gateway <command> [config] [options]

commands:
  start [config]      start the gateway (default config: ./gateway.yaml); SIGHUP reloads the config, SIGTERM drains
  validate [config]   load and cross-check the config; exit 1 listing every problem
  routes [config]     print the compiled route table
  openapi [config]    print the OpenAPI 3.1 document of every route (generated from .proto files + openapi/)
  config-schema       print the JSON Schema of gateway.yaml (for editors)
  mapping-schema      print the JSON Schema of mapping files (for editors)

options:
  -c, --config FILE   config file (same as the positional argument)
      --demo          with start: also run the bundled demo backends in this process
  -h, --help          this text
`;

/** Exit codes: 0 ok, 1 invalid config, 2 bad usage, 3 failed to start. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      demo: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, positionalConfig] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const configPath = values.config ?? positionalConfig ?? 'gateway.yaml';

  switch (command) {
    case 'config-schema':
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
      return 0;
    case 'openapi': {
      const gateway = await buildFromFile(configPath);
      if (gateway === undefined) return 1;
      process.stdout.write(`${JSON.stringify(gateway.openApiDocument(), null, 2)}\n`);
      await gateway.close(0);
      return 0;
    }
    case 'mapping-schema':
      process.stdout.write(`${JSON.stringify(mappingJsonSchema(), null, 2)}\n`);
      return 0;
    case 'validate': {
      const gateway = await buildFromFile(configPath);
      if (gateway === undefined) return 1;
      await gateway.close(0);
      // What `start` reads besides: the https listeners' certificate files, and whether each key fits.
      if (withConfigErrors(() => readListenerTls(gateway.config)) === undefined) return 1;
      process.stdout.write(`${configPath}: ok (${gateway.routes.length} routes)\n`);
      return 0;
    }
    case 'routes': {
      const gateway = await buildFromFile(configPath);
      if (gateway === undefined) return 1;
      process.stdout.write(formatRouteTable(gateway.routes));
      await gateway.close(0);
      return 0;
    }
    case 'start':
      return start(configPath, values.demo === true);
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function start(configPath: string, demo: boolean): Promise<number> {
  const config = withConfigErrors(() => loadConfig(configPath));
  if (config === undefined) return 1;
  const logging = createLogging(config.logging.level, config.logging.accessLog);
  const { logger } = logging;
  let demoBackends;
  try {
    demoBackends = demo ? await startDemoBackends() : undefined;
  } catch (error) {
    process.stderr.write(`gateway: cannot start the demo backends: ${(error as Error).message}\n`);
    return 3;
  }
  const wsdls = await fetchSoapWsdls(config);
  const gateway = withConfigErrors(() => buildGateway(config, logging, { wsdls }));
  if (gateway === undefined) {
    await demoBackends?.close();
    return 1;
  }
  let listeners;
  try {
    listeners = await gateway.listen();
  } catch (error) {
    // A TLS file that cannot be read (or a key that does not fit) is the config's problem; a taken port is not.
    const invalid = error instanceof ConfigError;
    process.stderr.write(invalid ? `${error.message}\n` : `gateway: cannot listen: ${(error as Error).message}\n`);
    await gateway.close(0);
    await demoBackends?.close();
    return invalid ? 1 : 3;
  }
  for (const listener of listeners) {
    logger.info({ listener: listener.name, protocol: listener.protocol, address: `${listener.host}:${listener.port}` }, 'listening');
  }
  await flushLogging(logging);
  // Log lines are batched (see createLogging); a quiet gateway still shows them within a second.
  setInterval(() => void flushLogging(logging), 1_000).unref();
  if (demo) printDemoExamples(listeners, config as GatewayConfig);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      stopping = true;
      logger.info({ signal, inFlight: gateway.dispatcher.inFlight, drainTimeoutMs: gateway.config.shutdown.drainTimeoutMs }, 'draining');
      void gateway.close().then(async (cutOff) => {
        await demoBackends?.close();
        logger.info({ cutOff }, 'stopped');
        await flushLogging(logging);
        resolve(0);
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // SIGHUP: apply the config file as it is now, without dropping a request (src/reload.ts).
    const reload = createFileReloader(gateway, configPath, logger);
    process.on('SIGHUP', () => {
      if (!stopping) void reload().then(() => flushLogging(logging));
    });
  });
}

/** Loads, fetches the http(s) WSDLs of `soap.services` and builds, quietly: for validate, routes and openapi. */
async function buildFromFile(configPath: string): Promise<Gateway | undefined> {
  const config = withConfigErrors(() => loadConfig(configPath));
  if (config === undefined) return undefined;
  const wsdls = await fetchSoapWsdls(config);
  return withConfigErrors(() => buildGateway(config, createLogging('silent', false), { wsdls }));
}

/** Runs a loader; a ConfigError is printed as the full list and turns into undefined. */
function withConfigErrors<T>(load: () => T): T | undefined {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const count = error.issues.length;
    process.stderr.write(`invalid configuration (${count} ${count === 1 ? 'problem' : 'problems'}):\n${formatIssues(error.issues)}\n`);
    return undefined;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`gateway: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 3;
  },
);
