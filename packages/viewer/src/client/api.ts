import type { ErrorBody } from '../shared/api-types.js';

/** A failed API call: its HTTP status and the server's message. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * GETs `/api/<path>` and returns its JSON. Query parameters that are `undefined` are left out.
 *
 * @example
 * const page = await getJson<RunsPage>('runs', { status: 'failed' });
 */
export async function getJson<T>(
  path: string,
  query: Record<string, string | number | undefined> = {},
): Promise<T> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  const res = await fetch(`/api/${path}${qs === '' ? '' : `?${qs}`}`);
  const body: unknown = await res.json();
  if (!res.ok) throw new ApiError(res.status, (body as ErrorBody).error ?? res.statusText);
  return body as T;
}

/**
 * The path of a run's API under `/api/`.
 *
 * @example
 * getJson(runApi('triage-1', 'events'), { start: 0 })
 */
export function runApi(runId: string, ...rest: string[]): string {
  return ['runs', runId, ...rest].map(encodeURIComponent).join('/');
}
