// Starts a real `dialogdesk serve --demo` on a random port with a fresh
// database, and gives typed clients generated from openapi/openapi.json.
import createClient from 'openapi-fetch';
import type { paths } from '../generated/dialogdesk.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export type Client = ReturnType<typeof createClient<paths>>;

// Compiled to e2e/build/api/harness.js: three levels below the repository.
const ROOT = new URL('../../../', import.meta.url).pathname;
const BIN = process.env.DIALOGDESK_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug', 'dialogdesk');
const PG = process.env.DATABASE_URL_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Server {
  base: string;
  backend: string;
  anonymous: Client;
  as(token: string): Client;
  login(email: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

/** The backends to run on: SQLite always; PostgreSQL when it answers (required in CI). */
export function backends(): string[] {
  const reachable = spawnSync('psql', [PG, '-Atc', 'select 1'], { encoding: 'utf8' }).stdout?.trim() === '1';
  if (!reachable && process.env.DIALOGDESK_REQUIRE_PG === '1') {
    throw new Error(`PostgreSQL is required but ${PG} does not answer`);
  }
  if (!reachable) console.log(`# PostgreSQL not reachable at ${PG}: the API scenarios run on SQLite only`);
  return reachable ? ['sqlite', 'postgres'] : ['sqlite'];
}

let counter = 0;

export async function start(backend: string): Promise<Server> {
  const work = mkdtempSync(join(tmpdir(), 'dd-e2e-'));
  let url = `sqlite://${join(work, 'e2e.db')}`;
  let dropDb: (() => void) | undefined;
  if (backend === 'postgres') {
    const name = `dd_e2e_${process.pid}_${counter++}`;
    const base = PG.slice(0, PG.lastIndexOf('/'));
    spawnSync('psql', [PG, '-qc', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]);
    const created = spawnSync('psql', [PG, '-qc', `CREATE DATABASE "${name}"`], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(created.stderr);
    url = `${base}/${name}`;
    dropDb = () => { spawnSync('psql', [PG, '-qc', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]); };
  }
  const child: ChildProcess = spawn(BIN, ['serve', '--demo', '--bind', '127.0.0.1:0'], {
    env: {
      ...process.env, DATABASE_URL: url, DIALOGDESK_DATA_DIR: work, DIALOGDESK_JWT_SECRET: 'e2e-secret-of-at-least-thirty-two-bytes',
      // Webhook receivers of the scenarios listen on loopback.
      DIALOGDESK_WEBHOOK_ALLOW_PRIVATE: '1',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('dialogdesk did not start in time')), 120_000);
    lines.on('line', (line) => {
      const prefix = 'dialogdesk listening on ';
      if (line.startsWith(prefix)) { clearTimeout(timer); resolve(line.slice(prefix.length)); }
    });
    child.on('exit', (code) => reject(new Error(`dialogdesk exited with ${code}`)));
    child.on('error', (e) => reject(new Error(`cannot start ${BIN}: ${e.message}`)));
  });
  const as = (token: string) => createClient<paths>({ baseUrl: base, headers: { Authorization: `Bearer ${token}` } });
  const anonymous = createClient<paths>({ baseUrl: base });
  return {
    base,
    backend,
    anonymous,
    as,
    async login(email, password) {
      const { data, response } = await anonymous.POST('/api/v1/auth/login', { body: { email, password } });
      if (!data) throw new Error(`login ${email}: ${response.status}`);
      return data.access_token;
    },
    async stop() {
      child.kill();
      await new Promise((r) => child.once('exit', r));
      dropDb?.();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
