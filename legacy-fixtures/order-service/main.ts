import { startOrderService } from './service.js';

/** `npm run legacy`: the order service on its own, on PORT (9105 by default) and HOST (127.0.0.1). */
const port = Number(process.env['PORT'] ?? 9105);
const host = process.env['HOST'] ?? '127.0.0.1';
const service = await startOrderService({ port, host });
process.stdout.write(
  `legacy order service listening on ${service.url}\n` +
    `  WSDL:      ${service.wsdlUrl}\n` +
    `  SOAP 1.1:  ${service.url}/orders\n` +
    `  SOAP 1.2:  ${service.url}/orders/soap12\n` +
    `  rpc ping:  ${service.url}/legacy/ping\n`,
);
const stop = (): void => {
  void service.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
