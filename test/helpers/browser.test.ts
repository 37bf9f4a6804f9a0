import { BrowserCandidate, browserPlaces, BrowserSearchContext, launchFirst, SYSTEM_CHROMIUM_PATHS } from './browser';

const NPM: BrowserCandidate = { source: 'npm', executablePath: '/cache/chromium-153.0.0/chromium', env: { LD_LIBRARY_PATH: '/cache/lib' } };

/** A machine with the given executables; the npm Chromium is available unless `npmError` says why not. */
function machine(env: NodeJS.ProcessEnv, executables: string[], npmError?: string): BrowserSearchContext & { npmCalls: number } {
  const context = {
    env,
    isExecutable: (file: string) => executables.includes(file),
    npmCalls: 0,
    npmChromium: (): BrowserCandidate => {
      context.npmCalls += 1;
      if (npmError) throw new Error(npmError);
      return NPM;
    },
  };
  return context;
}

/** Launches whatever is chosen, except the executables listed as broken; records each launch. */
function launcher(broken: string[] = []): { launched: string[]; launch: (c: BrowserCandidate) => Promise<BrowserCandidate> } {
  const launched: string[] = [];
  return {
    launched,
    launch: async (candidate) => {
      launched.push(candidate.executablePath);
      if (broken.includes(candidate.executablePath)) throw new Error('Failed to launch\nlong log');
      return candidate;
    },
  };
}

test('CHROMIUM_PATH wins over a system Chromium and the npm one', async () => {
  const m = machine({ CHROMIUM_PATH: '/opt/chrome/chrome' }, ['/opt/chrome/chrome', '/usr/bin/chromium']);
  const { launch, launched } = launcher();
  await expect(launchFirst(browserPlaces(m), launch)).resolves.toEqual({ source: 'CHROMIUM_PATH', executablePath: '/opt/chrome/chrome' });
  expect(launched).toEqual(['/opt/chrome/chrome']);
  expect(m.npmCalls).toBe(0);
});

test('a CHROMIUM_PATH that is not executable is an error, not silently replaced by another browser', async () => {
  const m = machine({ CHROMIUM_PATH: '/nowhere/chrome' }, ['/usr/bin/chromium']);
  const { launch, launched } = launcher();
  await expect(launchFirst(browserPlaces(m), launch)).rejects.toThrow(
    'CHROMIUM_PATH=/nowhere/chrome: not an executable file (unset CHROMIUM_PATH to use a system or the npm Chromium)');
  expect(launched).toEqual([]);
});

test.each(SYSTEM_CHROMIUM_PATHS.map((file, i) => [file, SYSTEM_CHROMIUM_PATHS.slice(i)]))(
  'without CHROMIUM_PATH, the first system Chromium present (%s) is used before the npm one',
  async (expected, present) => {
    const m = machine({}, present);
    const { launch } = launcher();
    await expect(launchFirst(browserPlaces(m), launch)).resolves.toEqual({ source: 'system', executablePath: expected });
    expect(m.npmCalls).toBe(0);
  },
);

test('without CHROMIUM_PATH or a system Chromium, the npm Chromium is used with its libraries', async () => {
  const m = machine({}, []);
  const { launch, launched } = launcher();
  await expect(launchFirst(browserPlaces(m), launch)).resolves.toEqual(NPM);
  expect(launched).toEqual([NPM.executablePath]);
});

test('MLOPS_BROWSER_SKIP_SYSTEM=1 skips the system Chromium', async () => {
  const m = machine({ MLOPS_BROWSER_SKIP_SYSTEM: '1' }, ['/usr/bin/chromium']);
  const { launch, launched } = launcher();
  await expect(launchFirst(browserPlaces(m), launch)).resolves.toEqual(NPM);
  expect(launched).toEqual([NPM.executablePath]);
});

test('a system Chromium that fails to launch lets the npm one be tried', async () => {
  const m = machine({}, ['/usr/bin/chromium']);
  const { launch, launched } = launcher(['/usr/bin/chromium']);
  await expect(launchFirst(browserPlaces(m), launch)).resolves.toEqual(NPM);
  expect(launched).toEqual(['/usr/bin/chromium', NPM.executablePath]);
});

test('when nothing works, the error names the three places tried and why each failed, and what to do', async () => {
  const m = machine({}, ['/usr/bin/google-chrome'], 'its Chromium is built for Linux x64; this is darwin arm64');
  const { launch } = launcher(['/usr/bin/google-chrome']);
  const error = await launchFirst(browserPlaces(m), launch).then(() => undefined, (e: Error) => e);
  expect(error?.message).toBe([
    'No Chromium for the browser tests. Tried, in order:',
    '  - CHROMIUM_PATH: not set',
    '  - system Chromium (/usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome): '
      + '/usr/bin/google-chrome did not launch: Failed to launch',
    '  - npm package @sparticuz/chromium: its Chromium is built for Linux x64; this is darwin arm64',
    'Set CHROMIUM_PATH to a Chrome or Chromium executable (on macOS: the binary inside Google Chrome.app or Chromium.app), '
      + 'install a system Chromium, or run `npm ci` on Linux x64 for @sparticuz/chromium.',
  ].join('\n'));
});
