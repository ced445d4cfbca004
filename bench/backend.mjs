// The demo users service (HTTP/1.1) on its own process, for benchmarks: node bench/backend.mjs PORT
import { startUsersService } from '../dist/src/demo/users-service.js';

const port = Number(process.argv[2] ?? 9201);
await startUsersService({ host: '127.0.0.1', port });
process.stdout.write(`ready ${port}\n`);
