import { readFileSync } from 'node:fs';

/** This package's version, reported as the instrumentation scope version of exported spans. */
export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
