import { spawnSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { diskMemo } from './helpers/disk-memo';

// Every command the README and docs tell people to type must exist in the pinned toolchain: each
// `npx cdk SUBCOMMAND` and every flag it uses appears in that subcommand's `--help` of the pinned CLI,
// each `npm run SCRIPT` is a script of package.json (its flags after `--` in the script's `--help`),
// and each `npx mlops-audit` flag in the command's help. Help texts are fetched once per command.

const ROOT = join(__dirname, '..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const COMMAND = /(npx cdk|npm run|npx mlops-audit)((?:[ \t]+[^\s`|#;&>'"<)]+)*)/g;

interface DocCommand {
  readonly where: string;
  readonly tool: 'npx cdk' | 'npm run' | 'npx mlops-audit';
  readonly words: string[];
}

/** The commands of one Markdown text, up to a comment, a pipe, a redirection or the end of the code span. */
export function commandsIn(text: string, file: string): DocCommand[] {
  const found: DocCommand[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(COMMAND)) {
      found.push({ where: `${file}:${i + 1}`, tool: m[1] as DocCommand['tool'], words: m[2].trim().split(/\s+/).filter(Boolean) });
    }
  });
  return found;
}

/** The flags of a command line (`--name`, `-c`), without values (`--flag=value` gives `--flag`). */
function flagsOf(words: readonly string[]): string[] {
  return words.filter((w) => /^--?[a-zA-Z]/.test(w)).map((w) => w.replace(/=.*$/, ''));
}

/** Whether `help` documents `flag`; a yargs boolean `--x` is also accepted as `--no-x`. */
function documents(help: string, flag: string): boolean {
  const escaped = (f: string) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const variants = flag.startsWith('--no-') ? [flag, `--${flag.slice(5)}`] : [flag];
  return variants.some((f) => new RegExp(`(^|[\\s,\\[])${escaped(f)}(?![\\w-])`, 'm').test(help));
}

const helpCache = new Map<string, { status: number | null; text: string }>();
function help(file: string, args: string[]): { status: number | null; text: string } {
  const key = [file, ...args].join(' ');
  let result = helpCache.get(key);
  if (!result) {
    const run = spawnSync(file, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
    result = { status: run.status, text: `${run.stdout}\n${run.stderr}` };
    helpCache.set(key, result);
  }
  return result;
}

/**
 * `cdk <subcommand> --help` of the pinned CLI. Its text depends only on the CLI's version, so it is kept on disk under
 * node_modules/.cache (keyed by that version) and the CLI, which takes seconds to start, runs once per subcommand and
 * version rather than on every run. A run that did not finish is not kept: it fails the test.
 */
function cdkHelp(subcommand: string): { status: number | null; text: string } {
  const version = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'aws-cdk', 'package.json'), 'utf8')).version as string;
  return diskMemo('cdk-help', { cli: version, subcommand }, () => {
    const result = help(join(ROOT, 'node_modules', '.bin', 'cdk'), [subcommand, '--help']);
    if (result.status === null) throw new Error(`cdk ${subcommand} --help did not finish:\n${result.text}`);
    return result;
  });
}
const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
const all = DOCS.flatMap((file) => commandsIn(readFileSync(join(ROOT, file), 'utf8'), file));

describe('commands in README.md and docs/*.md', () => {
  test('the extraction finds the commands of each kind', () => {
    expect(commandsIn('run `npx cdk diff -c env=prod` then `npm run cost -- --details | less`', 'x.md')).toEqual([
      { where: 'x.md:1', tool: 'npx cdk', words: ['diff', '-c', 'env=prod'] },
      { where: 'x.md:1', tool: 'npm run', words: ['cost', '--', '--details'] },
    ]);
    expect(all.filter((c) => c.tool === 'npx cdk').length).toBeGreaterThan(5);
    expect(all.filter((c) => c.tool === 'npm run').length).toBeGreaterThan(3);
    expect(all.filter((c) => c.tool === 'npx mlops-audit').length).toBeGreaterThan(2);
  });

  test('a flag missing from the help is caught', () => {
    const diff = cdkHelp('diff');
    expect(diff.status).toBe(0);
    expect(documents(diff.text, '--exclusively')).toBe(true);
    expect(documents(diff.text, '-c')).toBe(true);
    // `cdk diff --all` does not exist in the pinned CLI (a diff without stack names covers every stack).
    expect(documents(diff.text, '--all')).toBe(false);
    expect(documents(cdkHelp('deploy').text, '--all')).toBe(true);
  });

  test('every `npx cdk` subcommand and flag exists in the pinned CLI', () => {
    const problems: string[] = [];
    for (const c of all.filter((x) => x.tool === 'npx cdk')) {
      const [subcommand, ...rest] = c.words;
      if (!subcommand || subcommand.startsWith('-')) {
        problems.push(`${c.where}: npx cdk without a subcommand`);
        continue;
      }
      const h = cdkHelp(subcommand);
      if (h.status !== 0) problems.push(`${c.where}: npx cdk ${subcommand}: no such subcommand (exit ${h.status})`);
      else for (const flag of flagsOf(rest)) if (!documents(h.text, flag)) problems.push(`${c.where}: npx cdk ${subcommand} has no ${flag}`);
    }
    expect(problems).toEqual([]);
  }, 300_000);

  test('every `npm run` script exists in package.json, with the flags its help lists', () => {
    const problems: string[] = [];
    for (const c of all.filter((x) => x.tool === 'npm run')) {
      const [script, ...rest] = c.words;
      if (!script || !Object.hasOwn(scripts, script)) {
        problems.push(`${c.where}: npm run ${script ?? ''}: no such script in package.json`);
        continue;
      }
      const flags = flagsOf(rest.slice(rest.indexOf('--') + 1)).filter((f) => f !== '--help' && f !== '-h');
      if (!rest.includes('--') || flags.length === 0) continue;
      const h = help('npm', ['run', '-s', script, '--', '--help']);
      for (const flag of flags) if (!documents(h.text, flag)) problems.push(`${c.where}: npm run ${script} -- has no ${flag}`);
    }
    expect(problems).toEqual([]);
  }, 300_000);

  test('every `npx mlops-audit` subcommand and flag is in its help', () => {
    const h = help(process.execPath, [join(ROOT, 'bin', 'mlops-audit.cjs'), '--help']);
    expect(h.status).toBe(0);
    const problems: string[] = [];
    for (const c of all.filter((x) => x.tool === 'npx mlops-audit')) {
      const [subcommand, ...rest] = c.words;
      if (!subcommand.startsWith('-') && !h.text.includes(`mlops-audit ${subcommand} `)) problems.push(`${c.where}: no subcommand ${subcommand}`);
      for (const flag of flagsOf(subcommand.startsWith('-') ? c.words : rest)) {
        if (!documents(h.text, flag)) problems.push(`${c.where}: npx mlops-audit has no ${flag}`);
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);
});
