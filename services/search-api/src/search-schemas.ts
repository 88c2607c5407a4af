// JSON Schemas of POST /search: validation and the OpenAPI document come from these.

export const MAX_K = 100;
export const MAX_QUERY_CHARS = 2000;
export const SEARCH_BODY_LIMIT = 16 * 1024;

export const searchBody = {
  type: 'object',
  additionalProperties: false,
  required: ['query'],
  properties: {
    query: { type: 'string', minLength: 1, maxLength: MAX_QUERY_CHARS, pattern: '\\S', description: 'What to look for, in plain words.' },
    k: { type: 'integer', minimum: 1, maximum: MAX_K, default: 10, description: 'How many hits to return.' },
    mode: { type: 'string', enum: ['hybrid', 'vector', 'keyword'], default: 'hybrid' },
    filter: {
      type: 'object',
      additionalProperties: false,
      properties: {
        kind: { type: 'string', enum: ['person', 'document'] },
        department: { type: 'string', minLength: 1, maxLength: 256 },
      },
    },
  },
} as const;

const hit = {
  type: 'object',
  required: ['id', 'score', 'kind', 'title', 'snippet'],
  properties: {
    id: { type: 'string' },
    score: { type: 'number' },
    kind: { type: 'string', enum: ['person', 'document'] },
    title: { type: 'string' },
    snippet: { type: 'string' },
    department: { type: 'string' },
    uri: { type: 'string' },
    fields: { type: 'object', additionalProperties: true },
  },
} as const;

const problem = {
  type: 'object',
  properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
  additionalProperties: true,
} as const;

export const searchRouteSchema = {
  summary: 'Semantic, keyword or hybrid search over people and documents the caller may read',
  security: [{ bearer: [] }],
  body: searchBody,
  response: {
    200: {
      type: 'object',
      required: ['hits', 'took_ms'],
      properties: { hits: { type: 'array', items: hit }, took_ms: { type: 'number' } },
    },
    400: problem,
    401: problem,
    413: problem,
    503: problem,
  },
};

export interface SearchBody {
  query: string;
  k: number;
  mode: 'hybrid' | 'vector' | 'keyword';
  filter?: { kind?: 'person' | 'document'; department?: string };
}
