/**
 * What generated example modules import at run time. `// throws CODE` in an example becomes
 * `await __throws(() => statement, 'CODE')`: the statement must throw (or reject with) an error whose
 * `code` is `CODE`.
 *
 * @example
 * await __throws(async () => { validateRunId('../etc'); }, 'INVALID_ARGUMENT');
 */
export async function __throws(fn: () => unknown, code: string): Promise<void> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`expected an error with code ${code}, but nothing was thrown`);
  const got = (error as { code?: unknown }).code;
  if (got !== code) {
    throw new Error(`expected an error with code ${code}, got ${String(got)}: ${String(error)}`, {
      cause: error,
    });
  }
}
