import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { LoadSettings } from './load.ts';
import { SERVER_WARMUP_FACTOR } from './measure-server.ts';
import { formatMs, formatRate, PROVIDER_NAME, sizeLabel, type CaseResult, type SeedResult } from './results.ts';
import type { TargetCheck } from './targets.ts';

export interface RunReport {
  settings: LoadSettings;
  /** E.g. "SQLite 3.53.2", one per provider measured. */
  databaseVersions: string[];
  cases: CaseResult[];
  seeding: SeedResult[];
  targets: TargetCheck[];
  /** Anything left out of the run, e.g. PostgreSQL when unreachable. */
  notes: string[];
  /** The command that reproduces the run. */
  command: string;
  /** A `--smoke` run: printed only, its numbers meaningless. */
  smoke: boolean;
  startedAt: Date;
  /** 1-minute load average when the run started: other work on the machine skews every number. */
  loadBefore: number;
  runSeconds: number;
}

function cpuModel(): string {
  const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return match?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown CPU';
}

function machineLine(): string {
  const memoryGb = (os.totalmem() / 1024 ** 3).toFixed(1);
  return `${cpuModel()}, ${os.availableParallelism()} cores, ${memoryGb} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function markdownTable(header: string[], rightAligned: boolean[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(rightAligned.map((right) => (right ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

const caseRow = (c: CaseResult): string[] => [
  c.provider ? PROVIDER_NAME[c.provider] : '—',
  c.size === null ? '—' : sizeLabel(c.size),
  c.operation,
  formatRate(c.load.requestsPerSecond),
  formatMs(c.load.p50Ms),
  formatMs(c.load.p99Ms),
  c.rssMegabytes.toFixed(0),
  `${c.load.errors} / ${c.load.non2xx}`,
];

const minutesAndSeconds = (seconds: number): string => `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;

export function renderReport(report: RunReport): string {
  const { settings } = report;
  return `# Benchmark results

${
  report.smoke
    ? 'Printed by `npm run bench -- --smoke` (bench/run.ts), which leaves RESULTS.md alone: it checks that every case runs; on tiny collections and the shortest load its numbers and target verdicts mean nothing.'
    : 'Written by `npm run bench` (bench/run.ts); every run overwrites this file.'
}

- Machine: ${machineLine()}
- Databases: ${report.databaseVersions.join(', ')}
- Date: ${report.startedAt.toISOString()}; the whole run took ${minutesAndSeconds(report.runSeconds)}; load average before it: ${report.loadBefore.toFixed(2)}
- Load: autocannon, ${settings.connections} connections, ${settings.durationSeconds} s per case after a ${settings.warmupSeconds} s warm-up \
(a freshly started server first gets ${settings.warmupSeconds * SERVER_WARMUP_FACTOR} s of all its cases' requests mixed); each server runs in its own process \
(gateway: \`node --import tsx src/main.ts\`, LOG_LEVEL=info, NODE_ENV=production)
${report.notes.map((note) => `- ${note}\n`).join('')}
## Cases

${markdownTable(
  ['Provider', 'Docs', 'Operation', 'req/s', 'p50 ms', 'p99 ms', 'Server RSS MB', 'Errors / non-2xx'],
  [false, true, false, true, true, true, true, true],
  report.cases.map(caseRow),
)}

getDocument reads random IDs of the collection; listDocuments filters on a random one of 100 categories (1% of the
documents), orders by score descending (both in one composite index) and takes 25, with and without \`total\`
(counted up to COUNT_LIMIT), on a gateway whose count cache is off, so every total runs its SQL count. The permission cases list a collection as large as the largest, with document
security on and no collection-level read permission, whose every document has one read permission row: 10% name
one of the user's roles (user:U, team:T or team:T/member, over their 50 teams), the rest other users' and
teams'. The same lists run with the user's JWT (\`X-Appwrite-JWT\`: the read check tests each document's read set
against the sets naming one of the user's roles, inside the SQL) and with the API key (no check): the default order (\`_sequence\`) with and
without \`total\`, and the category page by score with \`total\`, on gateways as configured by default (count cache on: a
total is counted once per collection change, caller's roles and filters, so repeated lists with a total mostly cost the page), then the
two lists with \`total\` again with the count cache off (every total counted in SQL). Before each case a few answers are checked exactly against the seeded data; under
load, every answer carrying GraphQL \`errors\` counts as an error. Token downloads upload a 10 KiB and a 1 MiB
file through the API, create a token for each and GET its \`downloadUrl\` (no other credentials): the gateway verifies the
token's JWT, reads the token, file and bucket, and streams the file from disk; the baseline streams the same bytes from a
bare node:http server (bench/file-baseline-server.ts). Server RSS is read from /proc after the case.

## Targets

${markdownTable(
  ['Target', 'Measured', 'Result'],
  [false, false, false],
  report.targets.map((t) => [t.target, t.measured, t.pass === null ? 'reported' : t.pass ? '**PASS**' : '**FAIL**']),
)}

## Seeding

Collections, attributes and the index are created through the GraphQL API; rows are bulk-inserted with SQL.

${markdownTable(
  ['Provider', 'Docs', 'Permission rows', 'Insert + ANALYZE s'],
  [false, true, false, true],
  report.seeding.map((s) => [PROVIDER_NAME[s.provider], sizeLabel(s.size), s.withPermissions ? 'one read row a document' : '—', s.seconds.toFixed(1)]),
)}

## Reproduce

\`\`\`sh
${report.command}
\`\`\`
`;
}
