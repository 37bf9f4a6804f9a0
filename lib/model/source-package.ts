/**
 * The team's code folder as SageMaker's training toolkit takes it: a gzipped tar (`sagemaker_submit_directory`),
 * built at synth without Docker, byte for byte the same for the same files (sorted names, zero times and owners), so
 * its asset hash changes only when the code does. The blueprint's training wrapper and its settings are added at the
 * root (contracts/model-code.ts).
 */
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { createHash } from 'crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, posix, relative, sep } from 'path';
import { gzipSync } from 'zlib';
import { ResolvedCode, TRAINING_WRAPPER, TRAINING_WRAPPER_SETTINGS, TrainingWrapperSettings } from '../../contracts/model-code';
import { packagePath } from '../private/package-paths';

/** Files never packaged: Python caches, version control, editor and OS leftovers. */
const SKIPPED = /(^|\/)(__pycache__|\.git|\.venv|\.mypy_cache|\.pytest_cache|\.DS_Store)(\/|$)|\.pyc$/;

/** The team's code in script mode: with the training script the wrapper runs. */
export type ScriptCode = ResolvedCode & { readonly trainingEntryPoint: string };

/** Properties of {@link SourcePackage}. */
export interface SourcePackageProps {
  /** The team's code. */
  readonly code: ScriptCode;
}

/** The source package of a model's code, uploaded as a CDK file asset. */
export class SourcePackage extends Construct {
  /** The uploaded package. */
  public readonly asset: s3assets.Asset;
  /** The files in the package, as the wrapper and the containers see them (POSIX paths). */
  public readonly files: readonly string[];

  constructor(scope: Construct, id: string, props: SourcePackageProps) {
    super(scope, id);
    const entries = packageEntries(props.code);
    this.files = entries.map(([name]) => name);
    const archive = gzipSync(tarOf(entries), { level: 9 });
    const digest = createHash('sha256').update(archive).digest('hex');
    const dir = join(tmpdir(), 'mlops-source-packages');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${digest}.tar.gz`);
    writeFileSync(path, archive);
    this.asset = new s3assets.Asset(this, 'Asset', { path });
  }
}

/** The inference files the wrapper copies into the model: the inference module and `requirements.txt` when present. */
export function inferenceFiles(code: ResolvedCode, files: readonly string[]): string[] {
  return [code.inferenceEntryPoint, 'requirements.txt'].filter((f): f is string => f !== undefined && files.includes(f));
}

/** `[name, content]` of every packaged file, sorted by name: the team's folder, then the wrapper and its settings. */
export function packageEntries(code: ScriptCode): Array<[string, Buffer]> {
  const own = listFiles(code.sourceDir).filter((name) => name !== TRAINING_WRAPPER && name !== TRAINING_WRAPPER_SETTINGS);
  const settings: TrainingWrapperSettings = { entryPoint: code.trainingEntryPoint, inferenceFiles: inferenceFiles(code, own) };
  const entries: Array<[string, Buffer]> = own.map((name) => [name, readFileSync(join(code.sourceDir, ...name.split('/')))]);
  entries.push([TRAINING_WRAPPER, readFileSync(packagePath('pipelines', 'scripts', TRAINING_WRAPPER))]);
  entries.push([TRAINING_WRAPPER_SETTINGS, Buffer.from(`${JSON.stringify(settings, null, 2)}\n`)]);
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function listFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .map((name) => name.split(sep).join(posix.sep))
    .filter((name) => !SKIPPED.test(name) && statSync(join(root, name)).isFile())
    .map((name) => relative('.', name).split(sep).join(posix.sep))
    .sort();
}

/** A POSIX ustar archive of the entries: regular files, mode 0644, owner 0, time 0. */
export function tarOf(entries: ReadonlyArray<[string, Buffer]>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of entries) {
    blocks.push(header(name, content.length), content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function header(name: string, size: number): Buffer {
  const block = Buffer.alloc(512);
  const [prefix, base] = splitName(name);
  block.write(base, 0, 100, 'utf8');
  block.write('0000644\0', 100, 'ascii');
  block.write('0000000\0', 108, 'ascii');
  block.write('0000000\0', 116, 'ascii');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  block.write('00000000000\0', 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write('0', 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/** ustar keeps names of up to 100 bytes, or a prefix of up to 155 bytes split at a slash plus such a name. */
function splitName(name: string): [string, string] {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  const cut = name.lastIndexOf('/', 155);
  if (cut > 0 && Buffer.byteLength(name.slice(cut + 1)) <= 100 && Buffer.byteLength(name.slice(0, cut)) <= 155) {
    return [name.slice(0, cut), name.slice(cut + 1)];
  }
  throw new Error(`source package: the path ${name} is too long for a tar archive (at most 255 bytes, split at a slash)`);
}
