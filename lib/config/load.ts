import { readFileSync } from 'fs';
import { ConfigError, parse, show } from './schema';
import { EnvironmentConfig, PlatformConfig, platformSchema } from './environment';

/** A validated configuration and the environment chosen from it. */
export interface SelectedEnvironment {
  /** The whole validated configuration. */
  readonly platform: PlatformConfig;
  /** The chosen environment's name. */
  readonly name: string;
  /** The chosen environment's configuration. */
  readonly environment: EnvironmentConfig;
}

/**
 * Validates a configuration object and picks one environment from it.
 *
 * @param raw the configuration, as written by a person
 * @param source where it came from, named in every error (a file path)
 * @param environmentName the requested environment (`-c env=NAME`); anything but a known name is an error
 * @throws ConfigError listing every problem at once
 */
export function selectEnvironment(raw: unknown, source: string, environmentName: unknown): SelectedEnvironment {
  const platform = parse(platformSchema, raw, source);
  const names = Object.keys(platform.environments);
  if (typeof environmentName !== 'string' || !names.includes(environmentName)) {
    throw new ConfigError('the context value "env" (-c env=NAME)', [{
      path: 'env',
      got: show(environmentName),
      expected: `one of the environments in ${source}: ${names.join(', ')}`,
    }]);
  }
  return { platform, name: environmentName, environment: platform.environments[environmentName] };
}

/** Reads a JSON configuration file; a missing or malformed file is a {@link ConfigError} naming it. */
export function readJsonConfig(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, [{ path: '(file)', got: (e as NodeJS.ErrnoException).code ?? String(e), expected: 'a readable JSON file' }]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(path, [{ path: '(file)', got: (e as Error).message, expected: 'valid JSON' }]);
  }
}
