// Micro-benchmark of the value path every write takes: encodeValue (read once, validate, encode) on
// five shapes of value. Time is CPU time of this process (process.cpuUsage), so other load on a shared
// machine inflates it less than wall time; each figure is the fastest of 31 rounds of ~10 ms (the
// round least disturbed by other processes).
// To compare builds, list them in CORE_DIST (comma-separated index.js paths): their rounds alternate in
// one process, so drifts of the machine hit both alike.
//   CORE_DIST=/path/to/old/dist/index.js,dist/index.js node bench/value-bench.mjs
// Run: pnpm --filter @agentdb/core bench   (after a build)
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dists = (process.env.CORE_DIST ?? new URL('../dist/index.js', import.meta.url).pathname).split(',');
const builds = [];
for (const dist of dists) {
  const { encodeValue } = await import(pathToFileURL(resolve(dist)).href);
  builds.push({ dist, encodeValue });
}

const values = {
  'small object (3 fields)': { text: 'tool result', n: 42, tags: ['a', 'b'] },
  'record (12 fields, nested, date, bytes)': {
    id: 'V1StGXR8_Z5jdHi6B-myT',
    type: 'tool_call',
    tool: 'search',
    args: { q: 'lmdb durability', k: 10, filters: { lang: 'en', since: 2020 } },
    scores: [0.91, 0.87, 0.5, 0.25, 0.125],
    ok: true,
    at: new Date(1_700_000_000_000),
    bytes: new Uint8Array(32),
    note: null,
    big: 2n ** 70n,
    attempts: 3,
    text: 'the quick brown fox jumps over the lazy dog',
  },
  'array of 100 objects (~5 KB)': Array.from({ length: 100 }, (_, i) => ({
    id: i,
    name: `item-${i}`,
    score: i / 7,
    tags: ['x', 'y'],
  })),
  '4 KB non-ASCII string': 'é'.repeat(4096),
  'object with -0 (10 numbers)': { v: [1, -0, 2, 3, 4, 5, 6, 7, 8, 9] },
};

const ROUNDS = 31;
let sink = 0;
/** CPU nanoseconds per call over `n` calls. */
function round(encodeValue, value, n) {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) sink += encodeValue(value).length;
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / n;
}
const fastest = (xs) => Math.min(...xs);

console.log(
  `encodeValue, CPU ns per call (fastest of ${ROUNDS} rounds): ${builds.map((b) => b.dist).join(' | ')}`,
);
for (const [name, value] of Object.entries(values)) {
  const per = round(builds[0].encodeValue, value, 2000); // warm-up and sizing
  const n = Math.max(200, Math.round(10e6 / Math.max(per, 1)));
  for (const b of builds) round(b.encodeValue, value, n); // warm every build
  const times = builds.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, b] of builds.entries()) times[i].push(round(b.encodeValue, value, n));
  }
  console.log(`${name.padEnd(42)} ${times.map((t) => `${fastest(t).toFixed(0).padStart(7)} ns`).join('  ')}`);
}
if (sink === 0) console.log('');
