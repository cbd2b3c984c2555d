import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../tooling/workspace-build.mjs';
import { run, userEnv } from '../src/processes.js';

// The shared vitest config every package uses (tooling/vitest.shared.ts) keeps large values out of
// the terminal: a test title over 200 characters fails the run, a huge console line is cut. Checked
// on a fixture project that uses the config as a package does.

let fixture: string;
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

beforeAll(() => {
  // Inside this package, so that the fixture's tests find vitest as every package's do.
  const parent = join(ROOT, 'apps', 'newcomer-check', '.fixtures-tmp');
  mkdirSync(parent, { recursive: true });
  fixture = mkdtempSync(join(parent, 'config-'));
  mkdirSync(join(fixture, 'test'));
  const write = (file: string, text: string) => writeFileSync(join(fixture, file), text);
  write('package.json', JSON.stringify({ name: 'shared-config-fixture', private: true, type: 'module' }));
  write(
    'vitest.config.ts',
    `import { packageConfig } from '${join(ROOT, 'tooling', 'vitest.shared.ts')}';\nexport default packageConfig();\n`,
  );
  write('test/long-title.test.ts', `import { it } from 'vitest';\nit('x'.repeat(300), () => {});\n`);
  write(
    'test/loud.test.ts',
    `import { it } from 'vitest';\nit('logs a large value', () => { console.log('v'.repeat(100_000)); });\n`,
  );
});

afterAll(() => {
  if (fixture !== undefined) rmSync(fixture, { recursive: true, force: true });
});

function vitestRun(file: string) {
  return run(process.execPath, [vitest, 'run', file], { cwd: fixture, env: userEnv({ NO_COLOR: '1' }) });
}

describe('the shared test config', () => {
  it('fails a run whose test title is over 200 characters, naming its file', async () => {
    const { code, stdout, stderr } = await vitestRun('test/long-title.test.ts');
    expect(code).toBe(1);
    expect(stderr).toContain('Test titles over 200 characters');
    expect(stderr).toContain('long-title.test.ts');
    expect(`${stdout}${stderr}`).not.toContain('x'.repeat(201));
  });

  it('cuts a console line over 2,000 characters, and the run still passes', async () => {
    const { code, stdout, stderr } = await vitestRun('test/loud.test.ts');
    expect(code, `${stdout}${stderr}`).toBe(0);
    expect(`${stdout}${stderr}`).toMatch(/… \(100,?00\d characters; cut by tooling\/vitest\.shared\.ts\)/);
    expect(`${stdout}${stderr}`).not.toContain('v'.repeat(2_001));
  });
});
