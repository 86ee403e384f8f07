// The OpenAPI 3.1 document of the gateway, built from the route table and its zod schemas, so the
// document cannot drift from what the server parses. Recursive schemas (JSON values) come out
// of zod with local `$defs`; they are hoisted into components and their refs rewritten.
import { z } from 'zod';
import { GatewayError } from './protocol';
import { ROUTES, type RouteDef } from './routes';

type Json = Record<string, unknown>;

class SchemaCollector {
  readonly components: Record<string, unknown> = {};
  private seq = 0;

  convert(schema: z.ZodType, io: 'input' | 'output'): Json {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, unknown>;
    delete json.$defs;
    const renamed = new Map<string, string>();
    for (const name of Object.keys(defs)) renamed.set(name, `Def${++this.seq}`);
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (!node || typeof node !== 'object') return node;
      const out: Json = {};
      for (const [k, v] of Object.entries(node as Json)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) {
          out[k] = `#/components/schemas/${renamed.get(v.slice('#/$defs/'.length)) ?? 'Missing'}`;
        } else if (k === '$ref' && v === '#') {
          out[k] = '#/components/schemas/Missing';
        } else {
          out[k] = rewrite(v);
        }
      }
      return out;
    };
    for (const [name, def] of Object.entries(defs)) this.components[renamed.get(name)!] = rewrite(def);
    return rewrite(json) as Json;
  }
}

const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(route: RouteDef, schemas: SchemaCollector): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = schemas.convert(schema, 'input');
    const props = (json.properties ?? {}) as Record<string, Json>;
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries(props)) {
      const isList = where === 'query' && (prop.type === 'array' || Array.isArray(prop.anyOf));
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        schema: prop,
        ...(isList ? { style: 'form', explode: false, description: 'comma-separated' } : {}),
      });
    }
  }
  return out;
}

const ERROR_STATUSES: Record<string, string> = {
  '400': 'Invalid input (the body, path or query failed validation); nothing was changed',
  '401': 'No key, an unknown key or a revoked key',
  '403': 'The key lacks the scope this route needs',
  '404': 'No such task',
  '409': 'Conflict: a stale attempt, a task not held by this agent, an idempotency key reused for other content',
  '413': 'The body is larger than allowed',
  '429': 'Rate limited: wait Retry-After seconds',
  '503': 'The host is shutting down',
};

export function buildOpenApi(version: string): Json {
  const schemas = new SchemaCollector();
  const errorRef = { $ref: '#/components/schemas/Error' };
  schemas.components.Error = schemas.convert(GatewayError, 'output');
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of ROUTES) {
    const op: Json = {
      operationId: route.name,
      summary: route.summary,
      tags: [route.path.startsWith('/v1/tasks') ? 'tasks' : route.access === 'agent' ? 'agents' : 'system'],
      'x-delegate-access': route.access,
      'x-delegate-audited': route.mutates,
    };
    if (route.access !== 'public') {
      op.security = [{ bearerAuth: route.access === 'any' ? [] : [route.access] }];
      op.description = route.access === 'any' ? 'Any valid API key.' : `Needs a key with the \`${route.access}\` (or \`admin\`) scope.`;
    } else {
      op.security = [];
    }
    const params = parameters(route, schemas);
    if (params.length) op.parameters = params;
    if (route.body) {
      op.requestBody = { required: false, content: { 'application/json': { schema: schemas.convert(route.body, 'input') } } };
    }
    const responses: Json = {};
    if (route.websocket) {
      responses['101'] = { description: 'Switching protocols: the agent socket (Authorization header on the upgrade request)' };
    } else if (route.text) {
      responses[String(route.status)] = { description: 'OK', content: { [route.text]: { schema: { type: 'string' } } } };
    } else {
      responses[String(route.status)] = {
        description: route.status === 201 ? 'Created' : 'OK',
        content: { 'application/json': { schema: route.response ? schemas.convert(route.response, 'output') : {} } },
      };
    }
    const errors = route.access === 'public' ? (route.name === 'health' ? ['503'] : []) : Object.keys(ERROR_STATUSES);
    for (const status of errors) {
      responses[status] = { description: ERROR_STATUSES[status], content: { 'application/json': { schema: errorRef } } };
    }
    op.responses = responses;
    (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Delegate agent gateway',
      version,
      description:
        'HTTP + WebSocket API for software agents. Authenticate with `Authorization: Bearer <key>` ' +
        '(keys from `delegate keys create`). Errors are JSON `{ code, message, details? }`. ' +
        'Agents get at-least-once delivery: report with the attempt number you were given and make effects idempotent by the idempotency key.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'tasks', description: 'Create, read and cancel tasks (scope submit)' },
      { name: 'agents', description: 'Claim and report work (scope agent)' },
      { name: 'system', description: 'Health, metrics, this document' },
    ],
    paths,
    components: {
      schemas: schemas.components,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key: dlg_<prefix>_<secret>' } },
    },
  };
}
