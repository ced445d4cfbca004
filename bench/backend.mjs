// A demo backend on its own process, for benchmarks:
// node bench/backend.mjs [users|inventory|carts|directory|orders] PORT
import { startOrderService } from '../dist/legacy-fixtures/order-service/service.js';
import { startCartService } from '../dist/src/demo/cart-service.js';
import { startDirectoryService } from '../dist/src/demo/grpc-directory-service.js';
import { startInventoryService } from '../dist/src/demo/inventory-service.js';
import { startUsersService } from '../dist/src/demo/users-service.js';

const starters = {
  users: startUsersService,
  inventory: startInventoryService,
  carts: startCartService,
  directory: startDirectoryService, // gRPC (h2c)
  orders: startOrderService, // the legacy SOAP order service
};
const [kindOrPort, maybePort] = process.argv.slice(2);
const kind = kindOrPort in starters ? kindOrPort : 'users';
const port = Number((kindOrPort in starters ? maybePort : kindOrPort) ?? 9201);
await starters[kind]({ host: '127.0.0.1', port });
process.stdout.write(`ready ${kind} ${port}\n`);
