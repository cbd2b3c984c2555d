// The lossless JSON form of AgentDB values lives in @agentdb/mcp, which speaks it over the protocol;
// the CLI's --json output, export and import use the very same one.
export { fromTypedJson, stringifyTyped, type TypedJson, toTypedJson } from '@agentdb/mcp';
