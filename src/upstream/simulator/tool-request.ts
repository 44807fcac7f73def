/**
 * Reads `tools`, `tool_choice` and `parallel_tool_calls` in the two shapes
 * the API uses: Chat Completions (`{type:"function", function:{…}}`) and
 * Responses (flat `{type:"function", name, …}`, plus hosted tools, which are
 * accepted and never called). Strict function schemas are checked as OpenAI
 * checks them.
 */
import { SimulatorHttpError, invalidType, invalidValue, missingParameter } from './openai-error.ts';
import { isJsonObject, optionalBoolean, type JsonObject } from './request-checks.ts';
import { checkStrictSchema } from './strict-schema-rules.ts';
import type { FunctionTool, ToolChoice } from './tool-call-planner.ts';

/** The tool options of a request. */
export interface ToolOptions {
  functions: FunctionTool[];
  choice: ToolChoice;
  parallel: boolean;
}

function onlyWithTools(param: string): SimulatorHttpError {
  return new SimulatorHttpError(
    400,
    `Invalid value for '${param}': '${param}' is only allowed when 'tools' are specified.`,
    'invalid_request_error',
    param,
    null,
  );
}

function unknownFunction(name: unknown): SimulatorHttpError {
  return new SimulatorHttpError(
    400,
    `Invalid value for 'tool_choice': function '${String(name)}' is not among the provided tools.`,
    'invalid_request_error',
    'tool_choice',
    null,
  );
}

function checkFunction(fn: FunctionTool, at: string): FunctionTool {
  if (fn.strict && fn.parameters !== undefined) {
    checkStrictSchema(fn.parameters, `function '${fn.name}'`, `${at}.parameters`, 'invalid_function_parameters');
  }
  return fn;
}

function readFunction(fn: JsonObject, at: string, strictByDefault: boolean): FunctionTool {
  if (typeof fn['name'] !== 'string') throw missingParameter(`${at}.name`);
  return checkFunction({
    name: fn['name'],
    description: typeof fn['description'] === 'string' ? fn['description'] : '',
    parameters: isJsonObject(fn['parameters']) ? fn['parameters'] : undefined,
    strict: typeof fn['strict'] === 'boolean' ? fn['strict'] : strictByDefault,
  }, at);
}

function allowedNames(list: unknown, nameOf: (entry: JsonObject) => unknown): string[] {
  if (!Array.isArray(list)) throw invalidType('tool_choice.allowed_tools.tools', 'an array of objects', list);
  return list.filter(isJsonObject).map(nameOf).filter((n): n is string => typeof n === 'string');
}

function readChoice(value: unknown, functions: readonly FunctionTool[], shape: 'chat' | 'responses'): ToolChoice {
  if (value === undefined || value === null || value === 'auto') return { mode: 'auto' };
  if (value === 'none' || value === 'required') return { mode: value };
  if (typeof value === 'string') throw invalidValue('tool_choice', value, ['none', 'auto', 'required']);
  if (!isJsonObject(value)) throw invalidType('tool_choice', 'a string or an object', value);
  if (value['type'] === 'function') {
    const name = shape === 'chat' ? (isJsonObject(value['function']) ? value['function']['name'] : undefined) : value['name'];
    if (!functions.some((f) => f.name === name)) throw unknownFunction(name);
    return { mode: 'named', name: name as string };
  }
  if (value['type'] === 'allowed_tools') {
    const spec = shape === 'chat' ? value['allowed_tools'] : value;
    if (!isJsonObject(spec)) throw missingParameter('tool_choice.allowed_tools');
    const mode = spec['mode'] === 'required' ? 'required' : 'auto';
    const names = allowedNames(spec['tools'], (t) => (shape === 'chat' ? (isJsonObject(t['function']) ? t['function']['name'] : undefined) : t['name']));
    return { mode, allowed: names };
  }
  // Custom and hosted tools are never called by the simulator.
  return { mode: 'none' };
}

/** Tool options of a Chat Completions body. */
export function readChatTools(body: JsonObject): ToolOptions {
  const tools = body['tools'];
  const parallelValue = optionalBoolean(body, 'parallel_tool_calls');
  const hasTools = Array.isArray(tools) && tools.length > 0;
  if (tools !== undefined && tools !== null && !Array.isArray(tools)) throw invalidType('tools', 'an array of objects', tools);
  if (!hasTools) {
    if (body['tool_choice'] !== undefined && body['tool_choice'] !== null) throw onlyWithTools('tool_choice');
    if (parallelValue !== undefined) throw onlyWithTools('parallel_tool_calls');
    return { functions: [], choice: { mode: 'none' }, parallel: true };
  }
  const functions: FunctionTool[] = [];
  (tools as unknown[]).forEach((tool, i) => {
    if (!isJsonObject(tool)) throw invalidType(`tools[${i}]`, 'an object', tool);
    if (tool['type'] !== 'function') return;
    if (!isJsonObject(tool['function'])) throw missingParameter(`tools[${i}].function`);
    functions.push(readFunction(tool['function'], `tools[${i}].function`, false));
  });
  return { functions, choice: readChoice(body['tool_choice'], functions, 'chat'), parallel: parallelValue ?? true };
}

/** Tool options of a Responses body (function tools are strict unless `strict: false`). */
export function readResponsesTools(body: JsonObject): ToolOptions {
  const tools = body['tools'];
  if (tools !== undefined && tools !== null && !Array.isArray(tools)) throw invalidType('tools', 'an array of objects', tools);
  const functions: FunctionTool[] = [];
  (Array.isArray(tools) ? tools : []).forEach((tool, i) => {
    if (!isJsonObject(tool)) throw invalidType(`tools[${i}]`, 'an object', tool);
    if (tool['type'] === 'function') functions.push(readFunction(tool, `tools[${i}]`, true));
  });
  return {
    functions,
    choice: readChoice(body['tool_choice'], functions, 'responses'),
    parallel: optionalBoolean(body, 'parallel_tool_calls') ?? true,
  };
}
