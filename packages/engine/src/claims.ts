import { randomBytes } from 'node:crypto';
import type { WriteScope } from './write-scope.js';

/**
 * Claims: fairness for a transaction that keeps losing to another process.
 *
 * Optimistic concurrency alone can starve a transaction: while another process commits to the same
 * key in a tight loop, every re-run reads a value that is stale again by the time it validates. In one
 * process the key locks queue retries (key-locks.ts), but they cannot reach other processes. So after
 * `CLAIM_AFTER` lost attempts, the failing validation also records a claim on the keys the transaction
 * read, in the same LMDB write transaction (so every process sees it atomically). While a claim lives,
 * any other transaction that would write a claimed key is refused, so the claimant's next attempt
 * reads the latest values and commits. A transaction refused by a claim has not lost a race: it waits
 * (`CLAIM_WAIT_MS` between tries) without using up its attempts. The claimant's commit removes its claims; a claimant that
 * gives up removes them too, and a crashed one's claims expire after `CLAIM_TTL_MS` (wall clock, the
 * same in every process). Only the first claimant of a key gets it, so two claimants never block each
 * other. Scanned ranges are not claimed: a transaction starved through a phantom still fails with
 * CONFLICT after its attempts.
 */

/** Lost attempts after which a transaction claims what it read. */
export const CLAIM_AFTER = 3;
/**
 * How long a claim holds other writers off without being renewed: longer than a slow commit under
 * disk load (the claimant's next attempt includes one), short enough that a crashed claimant only
 * pauses the others.
 */
export const CLAIM_TTL_MS = 5000;
/** Pause before re-trying a transaction that a live claim refused (it waits; it has not lost). */
export const CLAIM_WAIT_MS = 5;

/** A transaction's claim identity, kept across its attempts. */
export interface ClaimTicket {
  token: string;
  /** Keys currently claimed by this ticket. */
  keys: Buffer[];
}

/** A new ticket with a token unique across processes. */
export function newTicket(): ClaimTicket {
  return { token: randomBytes(12).toString('base64'), keys: [] };
}

/** The claims seen from one LMDB write transaction (a commit batch). */
export class BatchClaims {
  readonly #scope: WriteScope;
  #any: boolean | undefined;

  constructor(scope: WriteScope) {
    this.#scope = scope;
  }

  /** Whether any claim exists; one cursor step per batch, so unclaimed databases pay nothing more. */
  get active(): boolean {
    this.#any ??= this.#scope.claimsAny();
    return this.#any;
  }

  /**
   * True when another live ticket claims one of `keys`. Expired claims found on the way are removed.
   */
  blocks(keys: Iterable<Buffer>, token: string | undefined): boolean {
    if (!this.active) return false;
    const now = Date.now();
    for (const key of keys) {
      const claim = this.#scope.claimGet(key);
      if (claim === undefined || claim.token === token) continue;
      if (claim.expiresAt > now) return true;
      this.#scope.claimRemove(key);
    }
    return false;
  }

  /** Claims `keys` for `ticket` (renewing its own claims), unless another live ticket holds one. */
  claim(ticket: ClaimTicket, keys: readonly Buffer[]): void {
    if (keys.length === 0 || this.blocks(keys, ticket.token)) return;
    const claim = { token: ticket.token, expiresAt: Date.now() + CLAIM_TTL_MS };
    for (const key of keys) this.#scope.claimPut(key, claim);
    this.#any = true;
    const held = new Set(ticket.keys.map((k) => k.toString('latin1')));
    for (const key of keys) if (!held.has(key.toString('latin1'))) ticket.keys.push(key);
  }

  /** Removes the claims `ticket` still holds. */
  release(ticket: ClaimTicket): void {
    for (const key of ticket.keys) {
      if (this.#scope.claimGet(key)?.token === ticket.token) this.#scope.claimRemove(key);
    }
    ticket.keys = [];
  }
}
