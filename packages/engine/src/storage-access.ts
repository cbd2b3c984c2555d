/**
 * The key under which `Database` hands its storage to the engine's own test helpers (testing.ts:
 * fault injection). Not exported from the package index: not public API.
 */
export const STORAGE_ACCESS: unique symbol = Symbol('agentdb storage access');
