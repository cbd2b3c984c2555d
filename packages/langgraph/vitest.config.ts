import { mergeConfig } from 'vitest/config';
import { packageConfig } from '../../tooling/vitest.shared.ts';

// LangGraph's validation suite (`validate()` from @langchain/langgraph-checkpoint-validation) calls
// describe/it/expect as globals.
export default mergeConfig(packageConfig(), { test: { globals: true } });
