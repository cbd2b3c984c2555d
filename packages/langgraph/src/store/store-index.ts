import { AgentDBError, describe, invalidArgument } from '@agentdb/primitives';
import { tokenize } from './embed-text.js';

/** Anything with LangChain's `Embeddings` methods (e.g. `OpenAIEmbeddings`). */
export interface EmbeddingsLike {
  embedDocuments(texts: string[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
}

/** A function from texts to one vector per text. */
export type EmbedFunction = (texts: string[]) => Promise<number[][]> | number[][];

/**
 * Semantic search configuration: `embed` (a function or a LangChain `Embeddings`; `embeddings`, the
 * name LangGraph's `InMemoryStore` uses, is accepted too), the vector size `dims`, and the `fields`
 * whose texts are embedded (default `['$']`: the whole value).
 */
export interface StoreIndexConfig {
  dims: number;
  embed?: EmbedFunction | EmbeddingsLike;
  embeddings?: EmbeddingsLike;
  fields?: string[];
}

/** An index configuration, checked, with its embedding calls normalised. */
export interface ResolvedIndex {
  dims: number;
  fields: string[];
  embedDocuments(texts: string[]): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
}

function isEmbeddings(v: unknown): v is EmbeddingsLike {
  return (
    v !== null &&
    typeof v === 'object' &&
    typeof (v as EmbeddingsLike).embedDocuments === 'function' &&
    typeof (v as EmbeddingsLike).embedQuery === 'function'
  );
}

/** Checks `options.index` (`INVALID_ARGUMENT`) and wraps its embedder. */
export function resolveIndex(index: StoreIndexConfig | undefined): ResolvedIndex | undefined {
  if (index === undefined) return undefined;
  if (index === null || typeof index !== 'object')
    throw invalidArgument(`index must be an object, got ${describe(index)}`);
  const { dims, fields = ['$'] } = index;
  if (!Number.isSafeInteger(dims) || dims < 1)
    throw invalidArgument(`index.dims must be a positive integer, got ${describe(dims)}`);
  if (!Array.isArray(fields))
    throw invalidArgument(`index.fields must be an array of paths, got ${describe(fields)}`);
  for (const f of fields) if (f !== '$') tokenize(f);
  const embed = index.embed ?? index.embeddings;
  let many: (texts: string[]) => Promise<number[][]>;
  let one: (text: string) => Promise<number[]>;
  if (typeof embed === 'function') {
    many = async (texts) => embed(texts);
    one = async (text) => (await embed([text]))[0] ?? [];
  } else if (isEmbeddings(embed)) {
    many = (texts) => embed.embedDocuments(texts);
    one = (text) => embed.embedQuery(text);
  } else {
    throw invalidArgument('index.embed must be a function (texts) => vectors or an Embeddings object');
  }
  const check = (v: unknown, what: string): Float32Array => {
    if (!Array.isArray(v) && !(v instanceof Float32Array) && !(v instanceof Float64Array)) {
      throw new AgentDBError(
        'INVALID_VALUE',
        `the embedder returned ${describe(v)} for ${what}, not a vector`,
      );
    }
    if (v.length !== dims) {
      throw new AgentDBError(
        'INVALID_VALUE',
        `the embedder returned ${v.length} dimensions for ${what}; index.dims is ${dims}`,
      );
    }
    const out = Float32Array.from(v as ArrayLike<number>);
    if (!out.every(Number.isFinite))
      throw new AgentDBError('INVALID_VALUE', `the embedder returned a non-finite number for ${what}`);
    return out;
  };
  return {
    dims,
    fields: [...fields],
    async embedDocuments(texts) {
      if (texts.length === 0) return [];
      const vectors = await many(texts);
      if (!Array.isArray(vectors) || vectors.length !== texts.length) {
        throw new AgentDBError(
          'INVALID_VALUE',
          `the embedder returned ${Array.isArray(vectors) ? vectors.length : 'no'} vectors for ${texts.length} texts`,
        );
      }
      return vectors.map((v, i) => check(v, `text ${i}`));
    },
    async embedQuery(text) {
      return check(await one(text), 'the query');
    },
  };
}

/** A vector as stored: float32 little-endian bytes. */
export function vectorBytes(v: Float32Array): Uint8Array {
  const bytes = new Uint8Array(v.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i]!, true);
  return bytes;
}

/** A stored vector back as numbers. */
export function bytesVector(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const v = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < v.length; i++) v[i] = view.getFloat32(i * 4, true);
  return v;
}

/** Cosine similarity; 0 when either vector is all zeros. @example cosine(q, v) // 0.87 */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
