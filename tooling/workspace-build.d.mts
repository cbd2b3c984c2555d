// Types of workspace-build.mjs, for the TypeScript that imports it (apps/publish-check).

/** A package.json, as far as the workspace tools read it. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** A workspace package: its directory and its manifest. */
export interface WorkspacePackage {
  dir: string;
  manifest: Manifest;
}

/** The repository root. */
export const ROOT: string;

/** Every workspace package by name. @example workspacePackages().get('@agentdb/kv')?.dir */
export function workspacePackages(root?: string): Map<string, WorkspacePackage>;

/** `name` and its workspace dependencies, dependencies first. @example buildOrder(workspacePackages(), '@agentdb/kv') */
export function buildOrder(
  packages: Map<string, WorkspacePackage>,
  name: string,
  options?: { dev?: boolean },
): string[];

/** Whether a package's dist/ is missing or older than its sources. @example isStale(pkg) */
export function isStale(pkg: WorkspacePackage, root?: string): boolean;

/** Builds `name` and its workspace dependencies where stale. @example ensureBuilt('@agentdb/kv') */
export function ensureBuilt(
  name: string,
  options?: { dev?: boolean; log?: (line: string) => void; root?: string },
): string[];
