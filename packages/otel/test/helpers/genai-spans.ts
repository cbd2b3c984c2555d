import {
  type HrTime,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';

/** The spans of `agentSession`, by role. */
export interface SessionSpans {
  agent: Span;
  chat: Span;
  weather: Span;
  http: Span;
  time: Span;
}

/** Start of the session the helpers record (ms since the epoch, with a fraction to check nanosecond care). */
export const T0 = Date.UTC(2025, 5, 1, 12, 0, 0) + 0.25;

// HrTime, not Date or number: a Date drops the fraction, and the SDK reads a number below its time origin
// as a performance.now() offset.
export const at = (ms: number): HrTime => millisToHrTime(T0 + ms);

/**
 * Records, with explicit times, the spans a GenAI agent framework emits for one turn (GenAI semantic
 * conventions), ended children first as real instrumentation does:
 *
 *   invoke_agent weather-agent                          0 – 1000 ms
 *   ├─ chat gpt-4o                                     10 – 200
 *   ├─ execute_tool get_weather  {city: Paris}        210 – 460, result {temp: 21, unit: C}
 *   │  └─ execute_tool http_get (fails: status ERROR + exception event)   220 – 400
 *   └─ execute_tool get_time  {tz: Europe/Paris}      470 – 480, result "14:00" (not JSON)
 *
 * @example
 * const spans = agentSession(provider.getTracer('ai'));
 */
export function agentSession(tracer: Tracer): SessionSpans {
  const agent = tracer.startSpan(
    'invoke_agent weather-agent',
    {
      kind: SpanKind.INTERNAL,
      startTime: at(0),
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather-agent' },
    },
    ROOT_CONTEXT,
  );
  const inAgent = trace.setSpan(ROOT_CONTEXT, agent);
  const chat = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      startTime: at(10),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 412,
        'gen_ai.response.finish_reasons': ['tool_calls'],
      },
    },
    inAgent,
  );
  chat.end(at(200));
  const weather = tracer.startSpan(
    'execute_tool get_weather',
    {
      startTime: at(210),
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.id': 'call_1',
        'gen_ai.tool.type': 'function',
        'gen_ai.tool.call.arguments': '{"city":"Paris"}',
      },
    },
    inAgent,
  );
  const http = tracer.startSpan(
    'execute_tool http_get',
    {
      startTime: at(220),
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.call.arguments': '{"url":"https://weather.example/paris"}',
      },
    },
    trace.setSpan(ROOT_CONTEXT, weather),
  );
  http.recordException({ name: 'FetchError', message: 'connection reset' }, at(399));
  http.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
  http.end(at(400));
  weather.setAttribute('gen_ai.tool.call.result', '{"temp":21,"unit":"C"}');
  weather.end(at(460));
  const time = tracer.startSpan(
    'execute_tool get_time',
    {
      startTime: at(470),
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_time',
        'gen_ai.tool.call.arguments': '{"tz":"Europe/Paris"}',
        'gen_ai.tool.call.result': '14:00',
      },
    },
    inAgent,
  );
  time.end(at(480));
  agent.end(at(1000));
  return { agent, chat, weather, http, time };
}
