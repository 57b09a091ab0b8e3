// QA scenarios through the generated client, on each backend.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, start, type Client, type Server } from './harness.js';
import { Webhook } from 'standardwebhooks';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

for (const backend of backends()) {
  describe(`on ${backend}`, () => {
    let server: Server;
    let admin: Client, head: Client, operator: Client, inbound: Client, bot: Client;
    let channelId = 0;
    let flow: { id: number; steps: { id: number; finish_status: string }[] };

    before(async () => {
      server = await start(backend);
      admin = server.as(await server.login('admin@demo.local', 'admin-demo'));
      head = server.as(await server.login('head@demo.local', 'head-demo'));
      operator = server.as(await server.login('operator@demo.local', 'operator-demo'));
      const token = async (scope: 'inbound' | 'bot' | 'read' | 'admin') => {
        const { data } = await admin.POST('/api/v1/api-tokens', { body: { name: `${scope} e2e`, scopes: [scope] } });
        return data!.token;
      };
      inbound = server.as(await token('inbound'));
      bot = server.as(await token('bot'));
      channelId = (await admin.GET('/api/v1/channels')).data!.items[0].id;
      const flows = (await admin.GET('/api/v1/flows')).data!.items;
      flow = flows.find((f) => f.steps.some((s) => s.finish_status === 'waiting') && f.steps.some((s) => s.finish_status === 'finished'))!;
    });
    after(async () => { await server?.stop(); });

    const counts = async () => (await admin.GET('/api/v1/dialogs/counts')).data!;
    const timeline = async (id: number) => (await admin.GET('/api/v1/dialogs/{id}/events', { params: { path: { id }, query: { limit: 200 } } })).data!.items;
    // A lead is also found by phone, so each chat gets its own number.
    const phoneOf = (chat: string) => `+7999${String([...chat].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 10_000_000, 7)).padStart(7, '0')}`;
    const lead = (chat: string, kind: 'text' | 'voice', text: string) =>
      inbound.POST('/api/v1/inbound', { body: { channel_id: channelId, client: { external_id: chat, phone: phoneOf(chat), name: 'E2E Лид' }, message: { kind, text } } });

    test('the life of a dialog through an integration, checking status, counts and timeline', async () => {
      const c0 = await counts();
      const step = async (expected: string, change: () => Promise<unknown>, moves: [string, string] | null) => {
        const before = await counts();
        const eventsBefore = id ? (await timeline(id)).length : 0;
        await change();
        const dialog = (await admin.GET('/api/v1/dialogs/{id}', { params: { path: { id } } })).data!;
        assert.equal(dialog.status, expected);
        const after = await counts();
        if (moves) {
          const [from, to] = moves as [keyof typeof after, keyof typeof after];
          assert.equal(after[from], (before[from] as number) - 1, `${from} down`);
          assert.equal(after[to], (before[to] as number) + 1, `${to} up`);
        }
        assert.equal(after.all, c0.all + 1);
        assert.ok((await timeline(id)).length > eventsBefore, 'the timeline grew');
      };
      const first = await lead('e2e-life', 'text', 'Здравствуйте');
      assert.equal(first.response.status, 201);
      let id = first.data!.dialog_id;
      assert.equal(first.data!.status, 'start');
      assert.equal((await counts()).start, c0.start + 1);
      const none = flow.steps.find((s) => s.finish_status === 'none')!;
      const waiting = flow.steps.find((s) => s.finish_status === 'waiting')!;
      const finished = flow.steps.find((s) => s.finish_status === 'finished')!;
      await step('auto', () => bot.POST('/api/v1/dialogs/{id}/bot', { params: { path: { id } }, body: { type: 'flow_launched', flow_id: flow.id, step_id: none.id } }), ['start', 'auto']);
      await step('manual', () => lead('e2e-life', 'voice', ''), ['auto', 'manual']);
      await step('manual', () => operator.POST('/api/v1/dialogs/{id}/messages', { params: { path: { id } }, body: { text: 'Слушаю вас' } }), null);
      const version = (await operator.GET('/api/v1/dialogs/{id}', { params: { path: { id } } })).data!.version;
      await step('waiting', () => operator.PUT('/api/v1/dialogs/{id}/settings', { params: { path: { id } }, body: { version, step_id: waiting.id } }), ['manual', 'waiting']);
      await step('auto', () => lead('e2e-life', 'text', 'Оплатила'), ['waiting', 'auto']);
      await step('finished', () => bot.POST('/api/v1/dialogs/{id}/bot', { params: { path: { id } }, body: { type: 'step_reached', step_id: finished.id } }), ['auto', 'finished']);
      await step('ignore', () => lead('e2e-life', 'text', 'И ещё вопрос'), ['finished', 'ignore']);
      await step('auto', () => bot.POST('/api/v1/dialogs/{id}/bot', { params: { path: { id } }, body: { type: 'bot_message', text: 'Слушаю' } }), ['ignore', 'auto']);
      await step('blocked', () => bot.POST('/api/v1/dialogs/{id}/bot', { params: { path: { id } }, body: { type: 'blocked_by_lead' } }), ['auto', 'blocked']);
      const kinds = (await timeline(id)).filter((e) => e.kind === 'status_changed').map((e) => JSON.parse(e.after));
      assert.deepEqual(kinds, ['auto', 'manual', 'waiting', 'auto', 'finished', 'ignore', 'auto', 'blocked']);
    });

    test('two operators save the same dialog: one wins, the other gets 409, nothing is lost', async () => {
      const { data } = await lead('e2e-race', 'text', 'hi');
      const id = data!.dialog_id;
      const seen = (await head.GET('/api/v1/dialogs/{id}', { params: { path: { id } } })).data!;
      const tags = (await admin.GET('/api/v1/tags')).data!.items;
      const [a, b] = await Promise.all([
        head.PUT('/api/v1/dialogs/{id}/settings', { params: { path: { id } }, body: { version: seen.version, tag_ids: [tags[0].id], status: 'manual' } }),
        operator.PUT('/api/v1/dialogs/{id}/settings', { params: { path: { id } }, body: { version: seen.version, tag_ids: [tags[1].id], status: 'finished' } }),
      ]);
      const statuses = [a.response.status, b.response.status].sort();
      assert.deepEqual(statuses, [200, 409]);
      const winner = a.response.status === 200 ? a : b;
      const loser = a.response.status === 200 ? b : a;
      assert.equal((loser.error as { conflict?: { code?: string } }).conflict?.code, 'stale_version');
      const now = (await admin.GET('/api/v1/dialogs/{id}', { params: { path: { id } } })).data!;
      assert.equal(now.version, seen.version + 1);
      assert.deepEqual(now.tags.map((t) => t.id), winner.data!.tags.map((t) => t.id));
      assert.equal(now.status, winner.data!.status);
    });

    test('the Dialog list sorts by each column both ways, pages each row once, searches, and the CSV has the same rows', async () => {
      type Sort = 'client' | 'channel' | 'number' | 'finished_by' | 'finished_at' | 'message_count';
      const all = async (sort: Sort, order: 'asc' | 'desc', limit: number) => {
        const rows: { dialog_id: number; number?: string | null; message_count: number; client: { name: string } }[] = [];
        let cursor: string | undefined;
        do {
          const { data } = await head.GET('/api/v1/records/dialogs', { params: { query: { sort, order, limit, cursor } } });
          rows.push(...data!.items);
          cursor = data!.next_cursor ?? undefined;
        } while (cursor);
        return rows;
      };
      const reference = (await all('finished_at', 'desc', 200)).map((r) => r.dialog_id).sort((x, y) => x - y);
      assert.ok(reference.length >= 80);
      for (const sort of ['client', 'channel', 'number', 'finished_by', 'finished_at', 'message_count'] as Sort[]) {
        const asc = await all(sort, 'asc', 17);
        assert.deepEqual(asc.map((r) => r.dialog_id).sort((x, y) => x - y), reference, `${sort}: each once`);
        const desc = await all(sort, 'desc', 23);
        assert.deepEqual(desc.map((r) => r.dialog_id).reverse(), asc.map((r) => r.dialog_id), `${sort}: desc is asc reversed`);
        if (sort === 'message_count') {
          assert.ok(asc.every((r, i) => i === 0 || asc[i - 1].message_count <= r.message_count));
        }
      }
      const sample = (await all('finished_at', 'desc', 200))[5];
      const byName = await head.GET('/api/v1/records/dialogs', { params: { query: { q: sample.client.name.split(' ')[0].toLowerCase(), limit: 200 } } });
      assert.ok(byName.data!.items.some((r) => r.dialog_id === sample.dialog_id), 'name fragment');
      const digits = sample.number!.replace(/\D/g, '');
      const fragment = `${digits.slice(3, 6)}-${digits.slice(6, 9)}`;
      const byPhone = await head.GET('/api/v1/records/dialogs', { params: { query: { q: fragment, limit: 200 } } });
      assert.ok(byPhone.data!.items.some((r) => r.dialog_id === sample.dialog_id), 'phone fragment');
      const anonymousCsv = await fetch(`${server.base}/api/v1/records/dialogs.csv?sort=client&order=asc`);
      assert.equal(anonymousCsv.status, 401, 'the CSV needs credentials');
      const token = await server.login('head@demo.local', 'head-demo');
      const text = await (await fetch(`${server.base}/api/v1/records/dialogs.csv?sort=client&order=asc`, { headers: { Authorization: `Bearer ${token}` } })).text();
      const ids = text.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((l) => Number(l.split(',')[0]));
      assert.deepEqual(ids, (await all('client', 'asc', 50)).map((r) => r.dialog_id));
    });

    test('roles: an operator sees masked phones and gets 403 on records; an inbound token cannot read dialogs', async () => {
      const { data } = await operator.GET('/api/v1/dialogs', { params: { query: { limit: 20 } } });
      assert.ok(data!.items.every((d) => !d.client.phone || /^\+\d{1,2} [*\- ]+-\d\d$/.test(d.client.phone)), 'masked');
      const full = (await head.GET('/api/v1/dialogs', { params: { query: { limit: 20 } } })).data!;
      assert.ok(full.items.some((d) => /^\+\d{10,15}$/.test(d.client.phone ?? '')), 'heads see full numbers');
      const records = await operator.GET('/api/v1/records/dialogs', {});
      assert.equal(records.response.status, 403);
      assert.equal(records.response.headers.get('content-type'), 'application/problem+json');
      const read = await inbound.GET('/api/v1/dialogs', {});
      assert.equal(read.response.status, 403);
      const anonymous = await server.anonymous.GET('/api/v1/dialogs/counts', {});
      assert.equal(anonymous.response.status, 401);
    });

    test('the SSE stream delivers the changes of a scenario in order', async () => {
      const token = await server.login('operator@demo.local', 'operator-demo');
      const controller = new AbortController();
      const response = await fetch(`${server.base}/api/v1/stream`, { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal });
      assert.equal(response.headers.get('content-type'), 'text/event-stream');
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      const events: { id: number; kind: string; data: Record<string, unknown> }[] = [];
      let buffer = '';
      const pump = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const get = (k: string) => frame.split('\n').find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2);
            if (get('event')) events.push({ id: Number(get('id')), kind: get('event')!, data: JSON.parse(get('data')!) });
          }
        }
      })().catch(() => {});
      await new Promise((r) => setTimeout(r, 300));
      const first = await lead('e2e-sse', 'text', 'hi');
      const id = first.data!.dialog_id;
      await bot.POST('/api/v1/dialogs/{id}/bot', { params: { path: { id } }, body: { type: 'flow_launched', flow_id: flow.id, step_id: flow.steps[0].id } });
      await lead('e2e-sse', 'voice', '');
      const deadline = Date.now() + 10_000;
      const mine = () => events.filter((e) => e.kind === 'dialog.updated' && e.data.id === id).map((e) => e.data.status);
      while (mine().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      controller.abort();
      await pump;
      assert.deepEqual(mine(), ['start', 'auto', 'manual']);
      assert.ok(events.every((e, i) => i === 0 || events[i - 1].id < e.id), 'ids increase');
      assert.ok(events.some((e) => e.kind === 'counts.changed'));
    });

    test('webhooks: a Standard Webhooks library verifies every event; a wrong secret or a changed body fails', async () => {
      const received: { headers: Record<string, string>; body: string }[] = [];
      const receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => { body += chunk; });
        req.on('end', () => {
          received.push({ headers: req.headers as Record<string, string>, body });
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const port = (receiver.address() as AddressInfo).port;
      const events = ['message.created', 'message.delivery_updated', 'dialog.status_changed', 'dialog.assigned'] as const;
      const created = await admin.POST('/api/v1/webhooks', { body: { url: `http://127.0.0.1:${port}/hook`, events: [...events] } });
      assert.equal(created.response.status, 201);
      const hook = created.data!;
      assert.match(hook.secret, /^whsec_/);
      try {
        const { data: out } = await lead('webhook-chat', 'text', 'hello');
        const { data: reply } = await operator.POST('/api/v1/dialogs/{id}/messages', { params: { path: { id: out!.dialog_id } }, body: { text: 'Добрый день!' } });
        assert.equal(reply!.delivery?.status, 'pending');
        const reported = await inbound.POST('/api/v1/messages/{id}/delivery', { params: { path: { id: reply!.id } }, body: { status: 'delivered' } });
        assert.equal(reported.data!.delivery?.status, 'delivered');
        const deadline = Date.now() + 15_000;
        const types = () => received.map((r) => JSON.parse(r.body).type as string);
        while (!events.every((t) => types().includes(t)) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
        }
        for (const t of events) assert.ok(types().includes(t), `${t} arrived: ${types()}`);
        const verifier = new Webhook(hook.secret);
        for (const r of received) {
          const event = verifier.verify(r.body, r.headers) as { id: string; type: string; data: { dialog_id: number } };
          assert.equal(event.id, r.headers['webhook-id']);
          assert.equal(event.data.dialog_id, out!.dialog_id);
        }
        const wrong = new Webhook(`whsec_${Buffer.from('not the secret of this webhook!!').toString('base64')}`);
        assert.throws(() => wrong.verify(received[0].body, received[0].headers));
        assert.throws(() => verifier.verify(received[0].body.replace('}', ' }'), received[0].headers));
      } finally {
        await admin.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: hook.id } } });
        receiver.close();
      }
    });
  });
}
