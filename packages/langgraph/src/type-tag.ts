import { registerTypeTag } from '@agentdb/primitives';

/**
 * The TypeTag this package owns (0x4C, "L"). Checkpoints, channel blobs and pending writes of a thread
 * live under `(thread run, 0x4C, …)` and store items under `(store run, 0x4C, 'item', …)`, so they sit
 * inside their run's key range: deleting the run deletes them, and they share the engine's
 * transactions, commit log and verification with everything else in the run.
 */
export const LANGGRAPH_TAG = 0x4c;

/** The name the tag is registered under. */
export const LANGGRAPH_TAG_NAME = 'langgraph';

// At module load: `Key.of(0x4C, …)` refuses an unregistered tag. Registering the same pair twice is
// allowed, so importing the package twice (or in several bundles) is harmless.
registerTypeTag(LANGGRAPH_TAG, LANGGRAPH_TAG_NAME);
