export { createServer, MAX_MESSAGE_BYTES, type ServerOptions } from './create-server.js';
export { DEFAULT_PORT, type McpCommandIO, mcpUsage, runMcpCommand } from './mcp-command.js';
export { RunScope } from './run-scope.js';
export { type HttpHandle, type HttpOptions, serveHttp } from './serve-http.js';
export { type StdioHandle, serveStdio } from './serve-stdio.js';
export { ERROR_META_KEY, type ToolErrorInfo } from './tool-error.js';
export { fromTypedJson, stringifyTyped, type TypedJson, toTypedJson } from './typed-json.js';
