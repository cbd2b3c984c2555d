import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

interface ExportTarget {
  types?: string;
  default?: string;
}

interface PublishedManifest {
  name: string;
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  exports?: Record<string, ExportTarget>;
  typesVersions?: Record<string, Record<string, string[]>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/**
 * What is wrong with a package as a registry delivered it (an unpacked tarball, or its directory in
 * node_modules), as sentences; empty when nothing is. Checked: the LICENSE is there; no dependency
 * is still a `workspace:` range; `main`, `types`, every `exports` target and every `typesVersions`
 * target exist, and every subpath export has a `typesVersions` entry (TypeScript's
 * `moduleResolution: node` ignores `exports`); every `bin` exists and is executable; every source
 * map's sources were shipped beside it.
 *
 * @example expect(packageProblems('node_modules/@agentdb/kv')).toEqual([])
 */
export function packageProblems(dir: string): string[] {
  const problems: string[] = [];
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PublishedManifest;
  const name = manifest.name;
  const mustExist = (what: string, path: string | undefined) => {
    if (path === undefined) problems.push(`${name}: no ${what}`);
    else if (!existsSync(join(dir, path))) problems.push(`${name}: ${what} ${path} is not in the package`);
  };
  if (!existsSync(join(dir, 'LICENSE'))) problems.push(`${name}: no LICENSE`);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${name}: ${field} ${dep} is still ${range}`);
    }
  }
  for (const [command, path] of Object.entries(manifest.bin ?? {})) {
    mustExist(`bin ${command}`, path);
    if (existsSync(join(dir, path)) && (statSync(join(dir, path)).mode & 0o111) === 0)
      problems.push(`${name}: bin ${command} (${path}) is not executable`);
  }
  if (manifest.exports !== undefined) {
    mustExist('main', manifest.main);
    mustExist('types', manifest.types);
    const typesVersions = manifest.typesVersions?.['*'] ?? {};
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      mustExist(`exports["${subpath}"].types`, target.types);
      mustExist(`exports["${subpath}"].default`, target.default);
      if (subpath === '.') continue;
      const mapped = typesVersions[subpath.slice(2)];
      if (mapped === undefined) problems.push(`${name}: no typesVersions entry for ${subpath}`);
      else for (const path of mapped) mustExist(`typesVersions["${subpath.slice(2)}"]`, path);
    }
  }
  for (const map of filesUnder(dir).filter((f) => f.endsWith('.map'))) {
    const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
    for (const source of sources) {
      const path = resolve(dirname(map), source);
      if (!existsSync(path))
        problems.push(`${name}: ${map.slice(dir.length + 1)} points at ${source}, not shipped`);
    }
  }
  return problems;
}
