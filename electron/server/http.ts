// The headless host's HTTP server (Fastify): the built renderer with the CSP header, the bridge
// over WebSocket at /bridge, and GET /health. Bound to 127.0.0.1 unless told otherwise.
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { WS_PATH } from '../../preload/contract';
import type { Bridge } from '../bridge/dispatch';
import { MAX_FRAME_BYTES, originAllowed, serveBridgeSocket, type WsBridgeHandle } from '../bridge/ws';
import type { Logger } from '../log';
import { contentSecurityPolicy } from './csp';

export interface HttpServerOptions {
  bridge: Bridge;
  log: Logger;
  rendererDir: string;
  host: string;
  port: number;
}

export interface HttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': contentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  const sockets = new Set<WsBridgeHandle>();
  let ready = false;

  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    return payload;
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_FRAME_BYTES } });

  app.get('/health', async (_req, reply) =>
    ready ? reply.send({ status: 'ok' }) : reply.code(503).send({ status: 'starting' }),
  );

  app.get(WS_PATH, { websocket: true }, (socket, req) => {
    if (!originAllowed(req.headers.origin, req.headers.host)) {
      options.log.warn({ origin: req.headers.origin }, 'bridge socket from a foreign origin refused');
      socket.close(1008, 'origin not allowed');
      return;
    }
    const handle = serveBridgeSocket(socket, options.bridge, options.log);
    sockets.add(handle);
    socket.on('close', () => sockets.delete(handle));
  });

  if (existsSync(options.rendererDir)) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: ['index.html'], dotfiles: 'deny' });
  } else {
    app.get('/', async (_req, reply) =>
      reply.code(503).type('text/plain').send('The UI is not built yet: run `npm run build`, then start again.'),
    );
  }

  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(`Port ${options.port} is already in use on ${options.host}: stop the other program or choose another port with --port`);
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  ready = true;

  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: async () => {
      ready = false;
      for (const s of sockets) s.close();
      sockets.clear();
      await app.close();
    },
  };
}
