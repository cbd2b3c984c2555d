import { invalidArgument, newId, validateRunId } from '@agentdb/primitives';

/** Longest prefix a scope entry may have: a generated id (21 characters) must still fit in 64. */
const MAX_PREFIX = 43;
const PREFIX_PATTERN = /^[A-Za-z0-9_-]{1,43}$/;

/**
 * The runs a server may touch: every run, or a list of run ids and id prefixes (`job-*`). Every tool,
 * resource and listing goes through one scope, so a run outside it is neither readable nor writable,
 * and never listed.
 *
 * @example
 * const scope = RunScope.parse(['agent-1', 'job-*']);
 * scope.allows('job-42'); // true
 * scope.check('other');   // throws INVALID_ARGUMENT
 */
export class RunScope {
  readonly #ids: ReadonlySet<string>;
  readonly #prefixes: readonly string[];
  readonly #everything: boolean;

  private constructor(ids: ReadonlySet<string>, prefixes: readonly string[], everything: boolean) {
    this.#ids = ids;
    this.#prefixes = prefixes;
    this.#everything = everything;
  }

  /** Every run. @example RunScope.all().allows('x') // true */
  static all(): RunScope {
    return new RunScope(new Set(), [], true);
  }

  /**
   * A scope from run ids and prefixes (an entry ending in `*`); `undefined` is every run. An empty
   * list, a bad id or a bad prefix is `INVALID_ARGUMENT`.
   *
   * @example
   * RunScope.parse(['a', 'b']);   // exactly runs a and b
   * RunScope.parse(['team1-*']);  // every run whose id starts with "team1-"
   */
  static parse(entries: readonly string[] | undefined): RunScope {
    if (entries === undefined) return RunScope.all();
    if (!Array.isArray(entries) || entries.length === 0)
      throw invalidArgument('runs must be a non-empty list of run ids or prefixes ending in "*"');
    const ids = new Set<string>();
    const prefixes: string[] = [];
    for (const entry of entries) {
      if (typeof entry === 'string' && entry.endsWith('*')) {
        const prefix = entry.slice(0, -1);
        if (!PREFIX_PATTERN.test(prefix))
          throw invalidArgument(
            `run prefix ${JSON.stringify(entry)} is invalid: use 1–${MAX_PREFIX} characters from A–Z, a–z, 0–9, "_" and "-", then "*"`,
          );
        prefixes.push(prefix);
      } else {
        validateRunId(entry);
        ids.add(entry);
      }
    }
    return new RunScope(ids, prefixes, false);
  }

  /** True when the server is limited to some runs. @example if (scope.confined) console.log(scope.describe()) */
  get confined(): boolean {
    return !this.#everything;
  }

  /** Whether `runId` is inside the scope. @example scope.allows('job-1') */
  allows(runId: string): boolean {
    return this.#everything || this.#ids.has(runId) || this.#prefixes.some((p) => runId.startsWith(p));
  }

  /**
   * Throws `INVALID_ARGUMENT` naming the allowed runs unless `runId` is inside the scope.
   *
   * @example
   * scope.check(args.run_id);
   */
  check(runId: string): void {
    if (!this.allows(runId))
      throw invalidArgument(
        `run ${JSON.stringify(runId)} is outside this server's scope; it may only use ${this.describe()}`,
      );
  }

  /**
   * An id for a new run when the caller gave none: a fresh random id, inside the scope. A scope of
   * fixed ids has no room for one, so the caller must name the run.
   *
   * @example
   * const runId = args.run_id ?? scope.newRunId();
   */
  newRunId(): string {
    if (this.#everything) return newId();
    const prefix = this.#prefixes[0];
    if (prefix === undefined)
      throw invalidArgument(`run_id is required: this server may only use ${this.describe()}`);
    return `${prefix}${newId()}`;
  }

  /** The scope in words, for messages. @example scope.describe() // 'runs "a", "b" and runs starting with "job-"' */
  describe(): string {
    if (this.#everything) return 'every run';
    const parts = [...this.#ids].map((id) => JSON.stringify(id));
    if (parts.length > 0) parts[0] = `run${this.#ids.size > 1 ? 's' : ''} ${parts[0]}`;
    for (const p of this.#prefixes) parts.push(`runs starting with ${JSON.stringify(p)}`);
    return parts.join(', ');
  }
}
