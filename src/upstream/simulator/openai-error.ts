/**
 * OpenAI-shaped error responses (`{"error":{message,type,param,code}}`) and
 * the exception that carries one out of a handler.
 */

/** The body of every OpenAI error response (schema ErrorResponse). */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Thrown by handlers and validators; the server turns it into the HTTP response. */
export class SimulatorHttpError extends Error {
  readonly status: number;
  readonly body: OpenAIErrorBody;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    type: string,
    param: string | null = null,
    code: string | null = null,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'SimulatorHttpError';
    this.status = status;
    this.body = { error: { message, type, param, code } };
    this.headers = headers;
  }
}

/** Describes a JSON value's type the way OpenAI's messages do ("an integer", "null"). */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a decimal';
    case 'object':
      return 'an object';
    default:
      return 'an unsupported value';
  }
}

/** 400 for an absent required body field. */
export function missingParameter(param: string): SimulatorHttpError {
  return new SimulatorHttpError(
    400,
    `Missing required parameter: '${param}'.`,
    'invalid_request_error',
    param,
    'missing_required_parameter',
  );
}

/** 400 for a field of the wrong JSON type; `expected` reads like "an array of objects". */
export function invalidType(param: string, expected: string, actual: unknown): SimulatorHttpError {
  return new SimulatorHttpError(
    400,
    `Invalid type for '${param}': expected ${expected}, but got ${describeJsonType(actual)} instead.`,
    'invalid_request_error',
    param,
    'invalid_type',
  );
}

/** 400 for a value outside an enumeration. */
export function invalidValue(param: string, actual: unknown, supported: readonly string[]): SimulatorHttpError {
  const quoted = supported.map((s) => `'${s}'`);
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}` : quoted.join('');
  return new SimulatorHttpError(
    400,
    `Invalid value: '${String(actual)}'. Supported values are: ${list}.`,
    'invalid_request_error',
    param,
    'invalid_value',
  );
}

/** 400 for a number outside its allowed range. */
export function outOfRange(param: string, actual: number, bound: number, above: boolean): SimulatorHttpError {
  const kind = Number.isInteger(actual) ? 'integer' : 'decimal';
  const relation = above ? 'above maximum' : 'below minimum';
  const expectation = above ? `<= ${bound}` : `>= ${bound}`;
  return new SimulatorHttpError(
    400,
    `Invalid '${param}': ${kind} ${relation} value. Expected a value ${expectation}, but got ${actual} instead.`,
    'invalid_request_error',
    param,
    `${kind}_${above ? 'above_max' : 'below_min'}_value`,
  );
}

/** 400 for an empty array where at least one element is required. */
export function emptyArray(param: string): SimulatorHttpError {
  return new SimulatorHttpError(
    400,
    `Invalid '${param}': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
    'invalid_request_error',
    param,
    'empty_array',
  );
}

/** 400 for a parameter the chosen model rejects. */
export function unsupportedParameter(param: string, message: string): SimulatorHttpError {
  return new SimulatorHttpError(400, message, 'invalid_request_error', param, 'unsupported_parameter');
}

/** 400 for a body that is not JSON at all. */
export function invalidJsonBody(): SimulatorHttpError {
  return new SimulatorHttpError(
    400,
    'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.',
    'invalid_request_error',
  );
}

/** 404 for a path/method the API does not serve. */
export function invalidUrl(method: string, path: string): SimulatorHttpError {
  return new SimulatorHttpError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error');
}

/**
 * 404 for a model id that does not exist: OpenAI's wording, the same on every
 * endpoint, streamed or not (ids are matched exactly, so `GPT-4O` is unknown).
 */
export function modelNotFound(model: string): SimulatorHttpError {
  return new SimulatorHttpError(
    404,
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    null,
    'model_not_found',
  );
}

/** 404 for a model that exists but is served by another endpoint (e.g. a chat model on /v1/completions). */
export function wrongEndpointForModel(message: string): SimulatorHttpError {
  return new SimulatorHttpError(404, message, 'invalid_request_error', 'model', null);
}
