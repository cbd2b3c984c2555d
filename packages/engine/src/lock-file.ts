import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * LMDB's lock file (`lock.mdb`) and the one field of it the engine repairs: the id of the last
 * committed transaction, which every write transaction starts from.
 *
 * Why the engine touches it at all (see the README's "Durability" section): when an environment is
 * opened, LMDB reads the data file's meta pages and then publishes the newest transaction id it read
 * into this field *without holding the writer lock* (upstream LMDB fixed this as ITS#9496; the LMDB
 * inside lmdb-js 3.x still has it). A commit by another process between that read and that store
 * leaves the field naming the state *before* the commit, and the next write transaction — in any
 * process — starts from that older meta page and overwrites the acknowledged commit. The storage
 * layer checks every write transaction against the newest meta page; on a stale start it writes
 * nothing, puts the newest id back here (while holding the writer lock, so no commit can race it)
 * and runs the batch again.
 *
 * Layout (lmdb-js 3.x, `MDB_txbody`): little-endian u32 magic `0xBEEFC0DE` at 0, u32 lock format at
 * 4, u64 transaction id at 8. A repair writes only after reading back, at offset 8, the very id LMDB
 * started the stale transaction from — proof that the field is where this module expects it.
 */
const MAGIC = 0xbeefc0de;
const TXNID_OFFSET = 8;

export class LockFile {
  readonly #fd: number;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** Opens `dir/lock.mdb` for reading and writing, or `undefined` if it is not an LMDB lock file. */
  static open(dir: string): LockFile | undefined {
    let fd: number;
    try {
      fd = openSync(join(dir, 'lock.mdb'), 'r+');
    } catch {
      return undefined;
    }
    const header = Buffer.alloc(4);
    if (readSync(fd, header, 0, 4, 0) !== 4 || header.readUInt32LE(0) !== MAGIC) {
      closeSync(fd);
      return undefined;
    }
    return new LockFile(fd);
  }

  /** The last committed transaction id as the lock file names it. */
  txnId(): number {
    const b = Buffer.alloc(8);
    readSync(this.#fd, b, 0, 8, TXNID_OFFSET);
    return Number(b.readBigUInt64LE(0));
  }

  /**
   * Replaces the transaction id `expected` with `newest`. Call only while holding LMDB's writer lock
   * (inside a write transaction). Returns false, writing nothing, when the field does not hold
   * `expected`: another opener stored something meanwhile, or the layout is not the one expected.
   */
  repair(expected: number, newest: number): boolean {
    if (this.txnId() !== expected) return false;
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(newest), 0);
    // One aligned 8-byte write into a file every process maps shared: the page cache makes it visible
    // to their mappings at once. Readers read the field without a lock; while a write is in progress
    // they can only see a value at or below `newest`, which selects one of the two valid meta pages.
    return writeSync(this.#fd, b, 0, 8, TXNID_OFFSET) === 8;
  }

  close(): void {
    closeSync(this.#fd);
  }
}
