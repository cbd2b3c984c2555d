import { MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import type { EmbeddingsLike } from '../src/index.js';

// Fixtures of the doc-examples test (doc-examples.test.ts), in a module of their own so that the
// examples' modules can name their types.

/** A deterministic local embedding of `dims` numbers (letter counts, repeated): no model, no network. */
export function letterEmbeddings(dims: number): EmbeddingsLike & ((texts: string[]) => Promise<number[][]>) {
  const vector = (text: string) => {
    const v = new Array<number>(dims).fill(0);
    for (const ch of text.toLowerCase()) {
      const i = ch.charCodeAt(0) - 97;
      if (i >= 0 && i < 26) for (let j = i; j < dims; j += 26) v[j]! += 1;
    }
    return v;
  };
  const embed = async (texts: string[]) => texts.map(vector);
  return Object.assign(embed, { embedDocuments: embed, embedQuery: async (text: string) => vector(text) });
}

/** The graph of the README: one node that answers every message. */
export function echoGraph() {
  return new StateGraph(MessagesAnnotation)
    .addNode('agent', ({ messages }) => ({
      messages: [{ role: 'ai', content: `you said ${messages.at(-1)?.content}` }],
    }))
    .addEdge(START, 'agent');
}
