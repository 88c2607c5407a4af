// POST /documents: the admin's door for documents (the other is `onramp docs add`). A location must be
// under a documents root (DOCS_ROOTS), checked before anything is stored; the event carries onramp's own
// source, which POST /events never accepts.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  checkDocumentLocation,
  appendFailure,
  documentPublishedEvent,
  OnrampError,
  parseEvent,
  requireBearer,
  toStructured,
  type AppendResult,
  type CloudEvent,
  type DocsRoots,
  type Logger,
} from '@onramp/core';

export interface DocumentsRouteDeps {
  adminToken: string;
  docsRoots: DocsRoots;
  maxBodyBytes: number;
  append: (events: CloudEvent[]) => Promise<AppendResult[]>;
  logger: Logger;
  onAppended?: () => void;
}

interface DocumentBody {
  uri?: string;
  title: string;
  text?: string;
  location?: string;
  acl: string[];
  mediaType?: string;
  department?: string;
}

const documentSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['title', 'acl'],
    oneOf: [{ required: ['text'] }, { required: ['location'] }],
    properties: {
      uri: { type: 'string', minLength: 1, maxLength: 1024 },
      title: { type: 'string', minLength: 1, maxLength: 1024 },
      text: { type: 'string', minLength: 1 },
      location: { type: 'string', minLength: 1, maxLength: 1024 },
      // A document nobody may read is a mistake, not a document.
      acl: { type: 'array', minItems: 1, maxItems: 256, items: { type: 'string', minLength: 1, maxLength: 256 } },
      mediaType: { type: 'string', minLength: 1, maxLength: 255 },
      department: { type: 'string', minLength: 1, maxLength: 256 },
    },
  },
};

function requireJson(request: FastifyRequest): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new OnrampError('unsupported_media_type', 'POST /documents takes application/json');
}

/** The location as it will be read (canonical), and what changes when the file does (for the event id). */
async function checkedLocation(roots: DocsRoots, location: string): Promise<{ location: string; version: string }> {
  const checked = await checkDocumentLocation(roots, location);
  if (checked.kind === 'oss') return { location: `oss://${checked.bucket}/${checked.key}`, version: '' };
  const info = await stat(checked.path);
  return { location: pathToFileURL(checked.path).href, version: `${info.size}:${info.mtimeMs}` };
}

export function registerDocumentsRoute(app: FastifyInstance, deps: DocumentsRouteDeps): void {
  app.post<{ Body: DocumentBody }>('/documents', {
    schema: documentSchema,
    bodyLimit: deps.maxBodyBytes,
    onRequest: async (request) => requireBearer(request.headers.authorization, deps.adminToken),
    preParsing: async (request) => requireJson(request),
    handler: async (request, reply) => {
      const body = request.body;
      const located = body.location === undefined ? undefined : await checkedLocation(deps.docsRoots, body.location);
      const uri = body.uri ?? located?.location;
      if (uri === undefined) throw new OnrampError('invalid_request', 'a document given as text needs a uri');
      const data = {
        uri,
        title: body.title,
        acl: body.acl,
        ...(body.mediaType === undefined ? {} : { mediaType: body.mediaType }),
        ...(body.department === undefined ? {} : { department: body.department }),
        ...(located === undefined ? { text: body.text } : { location: located.location }),
      };
      // The same document posted again is a duplicate; a changed one (content, file, ACL) is a new event.
      const digest = createHash('sha256').update(JSON.stringify(data)).update('\0').update(located?.version ?? '').digest('hex');
      const event = parseEvent(toStructured(documentPublishedEvent(digest, data)), 0);
      const [result] = await deps.append([event]).catch((error: unknown) => {
        if (error instanceof OnrampError) throw error;
        const failure = appendFailure(error);
        deps.logger[failure.code === 'unstorable_event' ? 'warn' : 'error']({ err: error }, 'append failed');
        throw failure;
      });
      if (result!.status === 'appended') deps.onAppended?.();
      return reply.code(202).send({ source: event.source, id: event.id, uri, ...result });
    },
  });
}
