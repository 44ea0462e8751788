import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  createModelArtsApi,
  type ModelArtsApi,
  TimeoutError,
  verifyRequestSignature,
} from '../../src/modelarts/index.js';

// The client over real sockets (no MockAgent): the default keep-alive Agent, Host header, signing on the wire.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let base: string;
let handler: Handler;
let api: ModelArtsApi | undefined;
const sockets = new Set<unknown>();

beforeEach(async () => {
  server = createServer((req, res) => handler(req, res));
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await api?.close();
  api = undefined;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  sockets.clear();
});

const SK = 'loopback-secret-key';

describe('over real HTTP', () => {
  it('AK/SK signatures verify server-side and connections are reused', async () => {
    const verdicts: unknown[] = [];
    handler = (req, res) => {
      verdicts.push(
        verifyRequestSignature({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers }, (ak) =>
          ak === 'LOOPAK' ? SK : undefined,
        ),
      );
      res.setHeader('content-type', 'application/json');
      res.end('{"is_success":true,"job_total_count":0,"jobs":[]}');
    };
    api = createModelArtsApi({
      endpoint: base,
      projectId: 'p1',
      auth: { mode: 'aksk', accessKey: 'LOOPAK', secretKey: SK },
      timeoutMs: 5_000,
    });
    await api.listTrainingJobs({ search_content: 'a b,c' });
    for (let page = 2; page <= 5; page++) await api.listTrainingJobs({ page });
    expect(verdicts).toEqual(Array.from({ length: 5 }, () => ({ ok: true, accessKey: 'LOOPAK' })));
    // Keep-alive: sequential calls share connections (undici may open a second while the first is being released).
    expect(sockets.size).toBeLessThan(5);
  });

  it('a server that never answers → TimeoutError within the per-attempt limit', async () => {
    handler = () => {
      // hang
    };
    api = createModelArtsApi({
      endpoint: base,
      projectId: 'p1',
      auth: { mode: 'token', token: 'loopback-token' },
      timeoutMs: 150,
      retry: { maxAttempts: 2, sleep: async () => undefined },
    });
    const err = await api.getTrainingJobVersion(1, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it('a refused connection → ConnectionError', async () => {
    const closedPort = (server.address() as AddressInfo).port;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = createModelArtsApi({
      endpoint: `http://127.0.0.1:${closedPort}`,
      projectId: 'p1',
      auth: { mode: 'token', token: 'loopback-token' },
      retry: { maxAttempts: 2, sleep: async () => undefined },
    });
    const err = await api.listTrainingJobs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('ECONNREFUSED');
  });

  it('IAM tokens over the wire: 201 + X-Subject-Token, then X-Auth-Token on ModelArts', async () => {
    const seen: string[] = [];
    handler = (req, res) => {
      if (req.method === 'POST' && req.url === '/v3/auth/tokens?nocatalog=true') {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          seen.push(`iam ${req.headers['content-type']} ${JSON.parse(body).auth.scope.project.name}`);
          res.writeHead(201, { 'x-subject-token': 'wire-token', 'content-type': 'application/json' });
          res.end(JSON.stringify({ token: { expires_at: new Date(Date.now() + 3_600_000).toISOString() } }));
        });
        return;
      }
      seen.push(`ma ${req.headers['x-auth-token']}`);
      res.end('{"job_id":3,"status":8}');
    };
    api = createModelArtsApi({
      endpoint: base,
      projectId: 'p1',
      auth: {
        mode: 'password',
        authUrl: `${base}/v3`,
        username: 'u',
        password: 'loopback-password',
        userDomainName: 'd',
        projectName: 'eu-de',
      },
    });
    await api.getVisualizationJob(3);
    await api.getVisualizationJob(3);
    expect(seen).toEqual(['iam application/json;charset=utf8 eu-de', 'ma wire-token', 'ma wire-token']);
  });
});
