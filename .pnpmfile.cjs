// better-sqlite3 (a dev dependency of apps/bench) compiles with node-gyp when no prebuilt binary can be
// downloaded. node-gyp would then download Node's headers, which fails offline; Node installs that ship
// their headers (include/node/node.h beside the binary, as Debian's do) let it build locally instead.
// pnpm passes only a small set of environment variables to install scripts, so set it here.
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

const prefix = dirname(dirname(process.execPath));

module.exports = {
  hooks: {
    updateConfig(config) {
      if (!existsSync(join(prefix, 'include', 'node', 'node.h'))) return config;
      config.extraEnv = { ...config.extraEnv, npm_config_nodedir: prefix };
      return config;
    },
  },
};
