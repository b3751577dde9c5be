// The coverage table `npm run coverage` prints, from what the providers report (src/core/catalog.ts).
import type { ServiceCoverage } from '../core/catalog.ts';

export function coverageTable(rows: ServiceCoverage[]): string {
  const lines = ['service      protocol    implemented', '-----------  ----------  -----------'];
  let impl = 0;
  let total = 0;
  for (const r of rows) {
    lines.push(`${r.name.padEnd(11)}  ${r.protocol.padEnd(10)}  ${String(r.implemented).padStart(4)} / ${r.total}${r.error ? `  (failed to load: ${r.error})` : ''}`);
    const missing = Object.entries(r.operations).filter(([, v]) => !v).map(([k]) => k);
    if (missing.length) lines.push(`             not yet: ${missing.join(', ')}`);
    impl += r.implemented;
    total += r.total;
  }
  lines.push(`${'all'.padEnd(11)}  ${''.padEnd(10)}  ${String(impl).padStart(4)} / ${total}`);
  return lines.join('\n');
}
