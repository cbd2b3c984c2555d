import { packageConfig } from '../../tooling/vitest.shared.ts';

// A release and four installs from a registry: minutes, not seconds, on a loaded machine.
export default packageConfig({ testTimeout: 10 * 60_000 });
