import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { AgentDBError } from '@agentdb/core';

/**
 * Cheap checks of an existing `data.mdb` before LMDB maps it. LMDB trusts its file: a zero-filled,
 * garbage or truncated file makes it read through wild pointers or past the end of the mapping, and
 * the process dies with SIGSEGV or SIGBUS instead of getting an error. What can be checked without
 * walking the trees is checked here: both meta pages (magic, format version, page flags, page size,
 * the same page size in both), and that the file reaches the last page and the tree roots the newest
 * meta page names.
 *
 * Layout (LMDB inside lmdb-js 3.x; little-endian): a page header of 24 bytes (flags u16 at 18; meta
 * pages have P_META), then `MDB_meta`: magic u32 at 24, version u32 at 28, two `MDB_db` records of
 * 48 bytes at 48 and 96 (page size u32 at 48, root page u64 at 48 + 40 and 96 + 40), last page u64 at
 * 144, transaction id u64 at 152. The second meta page starts one page size in.
 */
const MAGIC = 0xbeefc0de;
const DATA_VERSION = 2;
const P_META = 0x08;
const META_BYTES = 168;
const NO_PAGE = 0xffffffffffffffffn; // P_INVALID: an empty tree's root

interface Meta {
  pageSize: number;
  lastPage: bigint;
  txnId: bigint;
  roots: bigint[];
}

function readMeta(fd: number, offset: number): Meta | string {
  const b = Buffer.alloc(META_BYTES);
  if (readSync(fd, b, 0, META_BYTES, offset) !== META_BYTES) return 'it ends inside a meta page';
  if (b.readUInt32LE(24) !== MAGIC) return 'a meta page does not start with the LMDB magic number';
  if (b.readUInt32LE(28) !== DATA_VERSION)
    return `a meta page has format version ${b.readUInt32LE(28)}, not ${DATA_VERSION}`;
  if ((b.readUInt16LE(18) & P_META) === 0) return 'a meta page is not marked as one';
  const pageSize = b.readUInt32LE(48);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
    return `a meta page names an impossible page size (${pageSize})`;
  return {
    pageSize,
    lastPage: b.readBigUInt64LE(144),
    txnId: b.readBigUInt64LE(152),
    roots: [b.readBigUInt64LE(48 + 40), b.readBigUInt64LE(96 + 40)],
  };
}

/**
 * Throws `CORRUPTION` when `dir/data.mdb` exists but cannot be a sound LMDB file. A missing or empty
 * file passes (LMDB creates it).
 *
 * @example
 * await checkDataFile('./agent-data'); // before open()
 */
export async function checkDataFile(dir: string): Promise<void> {
  // A process committing meanwhile may be extending the file or rewriting a meta page under us: a
  // problem is only believed when it is still there after a few short pauses.
  let problem = findProblem(dir);
  for (let attempt = 1; problem !== undefined && attempt <= 3; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    problem = findProblem(dir);
  }
  if (problem !== undefined) throw corrupt(join(dir, 'data.mdb'), problem);
}

/** What is wrong with `dir/data.mdb`, or `undefined` (also when it is missing or empty). */
function findProblem(dir: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(join(dir, 'data.mdb'), 'r');
  } catch {
    return undefined; // missing (a new database) or unreadable: LMDB reports the latter itself
  }
  try {
    if (fstatSync(fd).size === 0) return undefined;
    const first = readMeta(fd, 0);
    if (typeof first === 'string') return first;
    const second = readMeta(fd, first.pageSize);
    if (typeof second === 'string') return second;
    if (first.pageSize !== second.pageSize) return 'its two meta pages name different page sizes';
    const newest = first.txnId >= second.txnId ? first : second;
    // The size is read after the meta pages: the file only grows, so it covers what they name.
    const pages = BigInt(fstatSync(fd).size) / BigInt(newest.pageSize);
    if (newest.lastPage + 1n > pages)
      return `it is truncated: its last page is ${newest.lastPage} but it holds ${pages} pages`;
    for (const root of newest.roots) {
      if (root !== NO_PAGE && root > newest.lastPage)
        return `a tree root (page ${root}) lies past its last page (${newest.lastPage})`;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function corrupt(path: string, problem: string): AgentDBError {
  return new AgentDBError(
    'CORRUPTION',
    `${path} is damaged: ${problem}. Restore the directory from a backup (or an \`agentdb export\`); ` +
      'LMDB would crash the process on it',
  );
}
