/** The machine section: cores, memory, Node and load average. */
import { spawnSync } from 'child_process';
import { cpus, loadavg, totalmem } from 'os';
import { section, table } from './format';

/** Prints the machine the benchmark runs on. */
export function machine(): void {
  const cpu = cpus();
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout?.trim() || String(cpu.length);
  section(
    'Machine',
    table(
      ['what', 'value'],
      [
        ['date', new Date().toISOString().slice(0, 10)],
        ['cores (nproc)', nproc],
        ['CPU', cpu[0]?.model ?? 'unknown'],
        ['memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
        ['node --version', process.version],
        ['platform', `${process.platform} ${process.arch}`],
        [
          'load average at start (1, 5, 15 min)',
          loadavg()
            .map((l) => l.toFixed(2))
            .join(', '),
        ],
      ],
    ),
    'The load average counts every process on the machine: anything else running competes with the synths for the cores.',
  );
}
