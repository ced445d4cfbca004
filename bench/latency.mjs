// Open-loop latency at a fixed request rate: requests are sent every millisecond tick whatever the previous ones
// are doing (no coordinated omission), and each is timed from its send to the end of its response. For "added
// latency" rows, where a closed-loop tool at saturation would only measure queueing. The generator shares the
// machine, so compare the direct and gateway rows of one run rather than absolute values.
import http from 'node:http';

/** Sends `rate` requests/s for `seconds` over at most `connections` keep-alive sockets; resolves with percentiles in ms. */
export async function measureLatency(url, { rate = 2000, seconds = 5, connections = 50, method = 'GET', body, headers = {} } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let errors = 0;
  let inFlight = 0;
  const tickMs = 1;
  const perTick = rate * (tickMs / 1000);
  const total = Math.round(rate * seconds);
  let scheduled = 0;
  const start = performance.now();
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.round(((performance.now() - start) / tickMs) * perTick));
      for (; scheduled < due; scheduled++) {
        const at = performance.now();
        inFlight++;
        const req = http.request(url, { method, agent, headers }, (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - at);
            if (res.statusCode >= 400) errors++;
            if (--inFlight === 0 && scheduled === total) resolve();
          });
        });
        req.on('error', () => {
          errors++;
          if (--inFlight === 0 && scheduled === total) resolve();
        });
        req.end(body);
      }
      if (scheduled === total) clearInterval(timer);
    }, tickMs);
  });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { count: latencies.length, errors, p50: at(0.5), p99: at(0.99) };
}
