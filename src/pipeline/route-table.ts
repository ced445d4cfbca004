import type { CompiledRoute } from './compiled-route.js';

/** The compiled route table as aligned text, sorted by path then method (for `gateway routes`). */
export function formatRouteTable(routes: readonly CompiledRoute[]): string {
  const rows = [...routes]
    .sort((a, b) => a.publicTemplate.localeCompare(b.publicTemplate) || a.method.localeCompare(b.method))
    .map((route) => [route.method, route.publicTemplate, route.operationId, route.upstreamName, route.stageNames.join(' → ')]);
  const header = ['METHOD', 'PATH', 'OPERATION', 'UPSTREAM', 'STAGES'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + `\n${routes.length} routes\n`;
}
