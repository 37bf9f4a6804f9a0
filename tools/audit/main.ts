import { writeFileSync } from 'fs';
import { HELP, parseArguments, UsageError } from './args';
import { AuditAws } from './aws';
import { auditLineage } from './chain';
import { AuditError } from './errors';
import { Progress, ProgressStream } from './progress';
import { render, summarise } from './render';

/**
 * `mlops-audit`: the auditor's command (bin/mlops-audit.cjs runs it through tsx).
 *
 *   mlops-audit lineage --model NAME --env ENV [--namespace NS] [--endpoint NAME] [--at ISO-TIME]
 *                       [--format text|json|html] [--output FILE] [--region R] [--audit-bucket NAME] [--quiet]
 *   mlops-audit --help
 *
 * Exit codes: 0 clean, 1 findings, 2 the audit could not run (usage, credentials, access denied,
 * unknown model or endpoint). The report goes to standard output (or `--output`); progress and
 * errors to standard error. Guide: docs/auditing.md.
 */

/** Where the command writes; the defaults are the process's streams. */
export interface MainIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressStream;
  /** The audit's clock. */
  readonly now?: () => Date;
}

export const EXIT = { CLEAN: 0, FINDINGS: 1, ERROR: 2 } as const;

export async function main(argv: readonly string[], io: MainIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const now = io.now?.() ?? new Date();
  let command;
  try {
    command = parseArguments(argv, now);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`mlops-audit: ${error.message}\nRun "mlops-audit --help" for the options.\n`);
    return EXIT.ERROR;
  }
  if (command.command === 'help') {
    io.stdout.write(`${HELP}\n`);
    return EXIT.CLEAN;
  }

  const progress = new Progress(io.stderr, command.quiet);
  try {
    const aws = new AuditAws({ region: command.region, progress });
    const report = await auditLineage(aws, command, now);
    const text = render(report, command.format);
    if (command.output) {
      writeFileSync(command.output, text);
      io.stderr.write(`Report written to ${command.output}: ${summarise(report.findings)}.\n`);
    } else {
      io.stdout.write(text);
    }
    return report.findings.length === 0 ? EXIT.CLEAN : EXIT.FINDINGS;
  } catch (error) {
    progress.done();
    if (error instanceof AuditError) {
      io.stderr.write(`mlops-audit: ${error.message}\n`);
      return EXIT.ERROR;
    }
    const e = error as NodeJS.ErrnoException;
    if (command.output && e?.code && e.syscall) {
      io.stderr.write(`mlops-audit: cannot write ${command.output}: ${e.message}\n`);
      return EXIT.ERROR;
    }
    io.stderr.write(`mlops-audit: unexpected error: ${e?.stack ?? String(error)}\n`);
    return EXIT.ERROR;
  }
}
