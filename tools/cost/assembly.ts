/**
 * Reading a cloud assembly (the folder `cdk synth -o DIR` writes): its `manifest.json` lists the
 * artifacts; each `aws:cloudformation:stack` artifact names its template (`properties.templateFile`,
 * relative to the assembly) and its environment (`aws://ACCOUNT/REGION`). Nested assemblies
 * (`cdk:cloud-assembly`, one per CDK Stage) are read too. A model stack is recognized by the
 * `MlopsCost` entry of its template's `Metadata` (contracts/cost.ts), which names the model and the
 * environment.
 */
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { COST_METADATA_KEY, MlopsCostMetadata } from '../../contracts/cost';
import { StackInput } from './estimate';
import { CfnTemplate } from './template';

/** The artifact type of a CloudFormation stack in `manifest.json`. */
export const STACK_ARTIFACT = 'aws:cloudformation:stack';
/** The artifact type of a nested cloud assembly (a CDK Stage) in `manifest.json`. */
export const NESTED_ASSEMBLY_ARTIFACT = 'cdk:cloud-assembly';
/** The region of an environment-agnostic stack (`aws://unknown-account/unknown-region`). */
export const UNKNOWN_REGION = 'unknown-region';

/** A cloud assembly that cannot be read; the message names the file and what was expected. */
export class AssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyError';
  }
}

/** One stack of the assembly, ready to estimate. */
export interface AssemblyStack extends StackInput {
  /** The region of the stack's environment, when it names one. */
  readonly region?: string;
  /** The environment its `MlopsCost` metadata names (model stacks). */
  readonly environment?: string;
}

/** What the assembly holds. */
export interface Assembly {
  /** Every stack, nested assemblies included, in manifest order. */
  readonly stacks: AssemblyStack[];
  /** Context lookups the app asked for and did not get (`missing` in the manifest), by key. */
  readonly missing: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function readJson(file: string, what: string): unknown {
  if (!existsSync(file)) throw new AssemblyError(`${file}: not found; expected ${what}.`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AssemblyError(`${file}: not valid JSON (${(e as Error).message}); expected ${what}.`);
  }
}

/** The region of an `aws://ACCOUNT/REGION` environment, or `undefined` for `unknown-region` and anything else. */
export function regionOf(environment: unknown): string | undefined {
  const match = typeof environment === 'string' ? /^aws:\/\/[^/]*\/([^/]+)$/.exec(environment) : null;
  return match && match[1] !== UNKNOWN_REGION ? match[1] : undefined;
}

/** The `model` and `environment` of a template's `MlopsCost` metadata, when they are strings. */
export function costIdentity(template: CfnTemplate): { model?: string; environment?: string } {
  const entry = template.Metadata?.[COST_METADATA_KEY];
  if (!isObj(entry)) return {};
  const { model, environment } = entry as Partial<Record<keyof MlopsCostMetadata, unknown>>;
  return {
    ...(typeof model === 'string' && model !== '' ? { model } : {}),
    ...(typeof environment === 'string' && environment !== '' ? { environment } : {}),
  };
}

function readInto(dir: string, into: Assembly, depth: number): void {
  const manifestFile = join(dir, 'manifest.json');
  const manifest = readJson(manifestFile, 'the manifest of a cloud assembly, as written by cdk synth -o DIR');
  if (!isObj(manifest) || (manifest.artifacts !== undefined && !isObj(manifest.artifacts))) {
    throw new AssemblyError(`${manifestFile}: expected an object with "artifacts" (artifact id -> { type, environment, properties }).`);
  }
  if (Array.isArray(manifest.missing)) {
    for (const m of manifest.missing) if (isObj(m) && typeof m.key === 'string') into.missing.push(m.key);
  }
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (!isObj(artifact)) continue;
    const properties = isObj(artifact.properties) ? artifact.properties : {};
    if (artifact.type === NESTED_ASSEMBLY_ARTIFACT && typeof properties.directoryName === 'string' && depth < 10) {
      readInto(resolve(dir, properties.directoryName), into, depth + 1);
      continue;
    }
    if (artifact.type !== STACK_ARTIFACT) continue;
    if (typeof properties.templateFile !== 'string') {
      throw new AssemblyError(
        `${manifestFile}: artifacts.${id}.properties.templateFile: expected the template's file name, relative to the assembly.`,
      );
    }
    const templateFile = join(dir, properties.templateFile);
    const template = readJson(templateFile, `the CloudFormation template of stack ${id}`);
    if (!isObj(template)) throw new AssemblyError(`${templateFile}: expected a CloudFormation template (an object).`);
    const name = typeof properties.stackName === 'string' ? properties.stackName : id;
    const region = regionOf(artifact.environment);
    into.stacks.push({ name, template: template as CfnTemplate, ...(region ? { region } : {}), ...costIdentity(template as CfnTemplate) });
  }
}

/**
 * Reads every stack template of the cloud assembly in `dir`.
 *
 * @throws AssemblyError when the manifest or a template is missing or malformed
 */
export function readAssembly(dir: string): Assembly {
  const into: Assembly = { stacks: [], missing: [] };
  readInto(resolve(dir), into, 0);
  return into;
}
