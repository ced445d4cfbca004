import type { CompiledRoute } from './compiled-route.js';

/** The compiled route table as aligned text, by profile (default last), then path, then method (for `gateway routes`). */
export function formatRouteTable(routes: readonly CompiledRoute[]): string {
  const rank = (profile: string): string => (profile === '' ? '\uffff' : profile);
  const rows = [...routes]
    .sort(
      (a, b) =>
        rank(a.profile).localeCompare(rank(b.profile)) ||
        a.publicTemplate.localeCompare(b.publicTemplate) ||
        a.method.localeCompare(b.method),
    )
    .map((route) => [
      route.profile === '' ? '(default)' : route.profile,
      route.method,
      route.publicTemplate,
      route.operationId,
      route.upstreamName,
      route.stageNames.join(' → '),
    ]);
  const header = ['PROFILE', 'METHOD', 'PATH', 'OPERATION', 'UPSTREAM', 'STAGES'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + `\n${routes.length} routes\n`;
}
