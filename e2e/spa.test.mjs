// Browser test of the SPA against a running `dialogdesk serve --demo`
// (DIALOGDESK_URL), in Debian's headless Chromium driven by playwright-core.
// Screenshots of each step go to e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const BASE = process.env.DIALOGDESK_URL ?? 'http://127.0.0.1:8080';
const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
});
after(async () => { await browser?.close(); });

// What the pages' Content-Security-Policy refused, or threw: must stay empty.
const broken = [];
function watch(page) {
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) broken.push(m.text());
  });
  page.on('pageerror', (e) => broken.push(String(e)));
  return page;
}

async function apiToken(email, password) {
  const r = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  assert.equal(r.status, 200);
  return (await r.json()).access_token;
}

async function api(token, path) {
  const r = await fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, path);
  return r.json();
}

async function login(page, email, password) {
  await page.goto(BASE);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=dialog-list]');
}

async function tabCounts(page) {
  const counts = {};
  for (const view of ['all', 'favourites', 'auto', 'manual', 'ignore', 'waiting', 'start', 'error', 'blocked', 'stopped', 'finished']) {
    const text = await page.textContent(`[data-testid=count-${view}]`);
    counts[view] = Number(text.replace(/[^0-9]/g, ''));
  }
  return counts;
}

// The tab counts from the API, which must be exact (not capped) unfiltered.
async function exactCounts(token) {
  const { capped, ...counts } = await api(token, '/api/v1/dialogs/counts');
  assert.equal(capped, false, 'unfiltered counts are exact');
  return counts;
}

test('an operator works a dialog: tabs and counts, User Data save, live counts', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
  const page = watch(await context.newPage());
  await login(page, 'admin@demo.local', 'admin-demo');
  await page.waitForFunction(() => !document.querySelector('[data-testid=count-all]').textContent.includes('…'));
  const token = await apiToken('admin@demo.local', 'admin-demo');
  const fromApi = await exactCounts(token);
  const shown = await tabCounts(page);
  assert.deepEqual(shown, fromApi, 'the 11 tabs show the counts of GET /counts');
  await page.screenshot({ path: `${ARTIFACTS}chats.png` });

  // Manual tab, open the first dialog, User Data → status Finished → Save.
  await page.click('[data-testid=tab-manual]');
  await page.waitForURL(/\/chats\/manual/);
  await page.waitForSelector('[data-testid=dialog-row]');
  await page.click('[data-testid=dialog-row] button.row');
  await page.waitForSelector('[data-testid=message]');
  await page.click('[data-testid=user-data-toggle]');
  await page.waitForSelector('[data-testid=user-data]');
  const flowOptions = await page.$$eval('[data-testid=ud-flow] option', (o) => o.map((x) => x.value).filter(Boolean));
  assert.ok(flowOptions.length >= 2, 'flows are offered');
  await page.selectOption('[data-testid=ud-status]', 'finished');
  await page.screenshot({ path: `${ARTIFACTS}chats-user-data.png` });
  // A second browser, logged in as the head, watches the tabs.
  const watcherContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const watcher = watch(await watcherContext.newPage());
  await login(watcher, 'head@demo.local', 'head-demo');
  await watcher.waitForFunction(() => !document.querySelector('[data-testid=count-all]').textContent.includes('…'));
  const before = await tabCounts(page);
  await page.click('[data-testid=ud-save]');
  await page.waitForFunction((manual) => {
    const n = Number(document.querySelector('[data-testid=count-manual]').textContent.replace(/[^0-9]/g, ''));
    return n === manual - 1;
  }, before.manual, { timeout: 10000 });
  const afterSave = await tabCounts(page);
  assert.equal(afterSave.finished, before.finished + 1);
  assert.deepEqual(afterSave, await exactCounts(token));
  await page.waitForSelector('[data-testid=chat-status].st-finished');
  await page.screenshot({ path: `${ARTIFACTS}chats-saved.png` });
  // The other browser saw it live, without a reload.
  await watcher.waitForFunction((finished) => {
    const n = Number(document.querySelector('[data-testid=count-finished]').textContent.replace(/[^0-9]/g, ''));
    return n === finished;
  }, afterSave.finished, { timeout: 10000 });
  await watcher.screenshot({ path: `${ARTIFACTS}chats-second-browser.png` });
  await watcherContext.close();

  // Manager, flow and step, and a tag in one Save; the timeline follows live.
  const timelineBefore = await page.locator('[data-testid=timeline] li').count();
  const managers = await page.$$eval('[data-testid=ud-manager] option', (o) => o.map((x) => x.value).filter(Boolean));
  const currentManager = await page.$eval('[data-testid=ud-manager]', (s) => s.value);
  await page.selectOption('[data-testid=ud-manager]', managers.find((m) => m !== currentManager));
  await page.selectOption('[data-testid=ud-flow]', flowOptions[0]);
  const steps = await page.$$eval('[data-testid=ud-step] option', (o) => o.map((x) => x.value).filter(Boolean));
  await page.selectOption('[data-testid=ud-step]', steps[0]);
  await page.locator('.tag-picker input[type=checkbox]').first().click();
  await page.click('[data-testid=ud-save]');
  await page.waitForSelector('[data-testid=chat-status].st-auto', { timeout: 10000 });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=timeline] li').length >= n + 3, timelineBefore, { timeout: 10000 });
  const entries = await page.$$eval('[data-testid=timeline] li', (l) => l.slice(0, 4).map((x) => x.className));
  for (const kind of ['status_changed', 'step_changed', 'assignee_changed', 'tags_changed']) {
    assert.ok(entries.some((c) => c.includes(kind)), `the timeline shows ${kind}: ${entries}`);
  }
  // In words: no stored code (set_by_hand, operator_message) and no bare id.
  const timelineText = await page.textContent('[data-testid=timeline]');
  assert.doesNotMatch(timelineText, /[a-z]+_[a-z]+/, timelineText);
  assert.ok(timelineText.includes('вручную'), timelineText);
  await page.locator('aside').screenshot({ path: `${ARTIFACTS}chats-timeline.png` });
  await context.close();
});

test('a head sorts the Dialog list both ways and searches by a phone fragment', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU' });
  const page = watch(await context.newPage());
  await login(page, 'head@demo.local', 'head-demo');
  await page.click('a[href="/records"]');
  await page.waitForSelector('[data-testid=record-row]');
  const column = async () => page.$$eval('[data-testid=record-messages]', (c) => c.map((x) => Number(x.textContent)));
  await page.click('[data-testid=sort-message_count]');
  await page.waitForFunction(() => document.querySelector('th[aria-sort=descending] [data-testid=sort-message_count]'));
  await page.waitForTimeout(300);
  let values = await column();
  assert.deepEqual(values, [...values].sort((a, b) => b - a), 'largest first');
  await page.click('[data-testid=sort-message_count]');
  await page.waitForFunction(() => document.querySelector('th[aria-sort=ascending] [data-testid=sort-message_count]'));
  await page.waitForTimeout(300);
  values = await column();
  assert.deepEqual(values, [...values].sort((a, b) => a - b), 'smallest first');
  await page.screenshot({ path: `${ARTIFACTS}records.png`, fullPage: true });

  const number = (await page.textContent('[data-testid=record-row] td.number')).replace(/[^0-9]/g, '');
  const fragment = number.slice(4, 9);
  await page.fill('[data-testid=records-search]', fragment);
  await page.press('[data-testid=records-search]', 'Enter');
  await page.waitForFunction((f) => {
    const cells = [...document.querySelectorAll('[data-testid=record-row] td.number')];
    return cells.length > 0 && cells.every((c) => c.textContent.replace(/[^0-9]/g, '').includes(f));
  }, fragment, { timeout: 10000 });
  // Export: the button fetches the CSV of the current search and sort and saves it.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=records-csv]')]);
  const csv = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], 'ID диалога,Клиент,Канал,Номер,Кто завершил,Дата завершения,Сообщений');
  const rows = await page.locator('[data-testid=record-row]').count();
  assert.equal(lines.length - 1, rows, 'the CSV has the rows shown');
  assert.ok(lines.slice(1).every((l) => l.split(',')[3].replace(/[^0-9]/g, '').includes(fragment)));
  await context.close();
});

test('both lists read their next page on demand: the rows grow, none twice, the order kept', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
  const page = watch(await context.newPage());
  await login(page, 'head@demo.local', 'head-demo');
  // Chats, All (300 demo dialogs, 50 a page), newest message first.
  await page.waitForSelector('[data-testid=dialog-row]');
  const ids = () => page.$$eval('[data-testid=dialog-row]', (rows) => rows.map((r) => r.dataset.id));
  const first = await ids();
  assert.equal(first.length, 50, 'a first page of 50');
  await page.click('[data-testid=dialogs-more]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=dialog-row]').length > 50);
  const both = await ids();
  assert.deepEqual(both.slice(0, 50), first, 'the first page stays where it was');
  assert.equal(new Set(both).size, both.length, 'no dialog twice');

  // Records, by message count, smallest first, across two pages.
  await page.click('a[href="/records"]');
  await page.waitForSelector('[data-testid=record-row]');
  await page.click('[data-testid=sort-message_count]');
  await page.waitForFunction(() => document.querySelector('th[aria-sort=descending] [data-testid=sort-message_count]'));
  await page.click('[data-testid=sort-message_count]');
  await page.waitForFunction(() => document.querySelector('th[aria-sort=ascending] [data-testid=sort-message_count]'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=record-row]').length === 50);
  await page.click('[data-testid=records-more]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=record-row]').length > 50);
  const counts = await page.$$eval('[data-testid=record-messages]', (c) => c.map((x) => Number(x.textContent)));
  assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'still smallest first across the pages');
  await context.close();
});

test('an admin sees the settings; the language switches to English and back', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 1000 }, locale: 'ru-RU' });
  const page = watch(await context.newPage());
  await login(page, 'admin@demo.local', 'admin-demo');
  await page.click('a[href="/settings"]');
  await page.waitForSelector('.settings section tbody tr');
  assert.ok((await page.textContent('.settings')).includes('Сотрудники'));
  assert.equal(await page.locator('.settings section').first().locator('tbody tr').count(), 3, 'the three demo operators');
  await page.waitForSelector('.settings .flow li');
  await page.screenshot({ path: `${ARTIFACTS}settings.png`, fullPage: true });
  await page.click('[data-testid=lang-switch]');
  await page.waitForFunction(() => document.querySelector('.settings').textContent.includes('Operators'));
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.click('[data-testid=lang-switch]');
  await page.waitForFunction(() => document.querySelector('.settings').textContent.includes('Сотрудники'));
  await context.close();
});

async function call(token, method, path, body) {
  const r = await fetch(`${BASE}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: r.status === 204 ? null : await r.json() };
}

test('a reply shows its delivery as the connector reports it: a clock, one tick, two, read; a failure with a Retry', async () => {
  const admin = await apiToken('admin@demo.local', 'admin-demo');
  const operator = await apiToken('operator@demo.local', 'operator-demo');
  const { body: token } = await call(admin, 'POST', '/api/v1/api-tokens', { name: 'browser connector', scopes: ['inbound'] });
  const channel = (await api(admin, '/api/v1/channels')).items[0].id;
  const { body: lead } = await call(token.token, 'POST', '/api/v1/inbound',
    { channel_id: channel, client: { external_id: 'ticks-chat', name: 'Галочкин Тест' }, message: { text: 'Дошло?' } });
  const { status, body: reply } = await call(operator, 'POST', `/api/v1/dialogs/${lead.dialog_id}/messages`, { text: 'Проверяем доставку' });
  assert.equal(status, 201);

  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
  const page = watch(await context.newPage());
  await login(page, 'operator@demo.local', 'operator-demo');
  await page.goto(`${BASE}/chats/all?dialog=${lead.dialog_id}`);
  const mark = page.locator('[data-testid=message]', { hasText: 'Проверяем доставку' }).locator('[data-testid=delivery]');
  await mark.waitFor();
  assert.equal(await mark.getAttribute('data-status'), 'pending');
  // Each report reaches the open chat live.
  for (const [reported, text] of [['sent', '✓'], ['delivered', '✓✓'], ['read', '✓✓']]) {
    const r = await call(token.token, 'POST', `/api/v1/messages/${reply.id}/delivery`, { status: reported });
    assert.equal(r.status, 200);
    await page.waitForFunction(([status]) => document.querySelector('[data-testid=delivery][data-status]') &&
      [...document.querySelectorAll('[data-testid=delivery]')].some((m) => m.dataset.status === status), [reported]);
    assert.equal(await mark.textContent(), text);
  }
  assert.equal(await mark.getAttribute('title'), 'Прочитано');
  await page.screenshot({ path: `${ARTIFACTS}chat-ticks.png` });
  // A reply the channel refused: the reason, and Retry makes it pending again.
  const { body: second } = await call(operator, 'POST', `/api/v1/dialogs/${lead.dialog_id}/messages`, { text: 'Второй ответ' });
  await call(token.token, 'POST', `/api/v1/messages/${second.id}/delivery`, { status: 'failed', reason: 'окно 24 часа закрыто' });
  const failed = page.locator('[data-testid=message]', { hasText: 'Второй ответ' });
  await failed.locator('[data-testid=delivery][data-status=failed]').waitFor();
  assert.ok((await failed.textContent()).includes('окно 24 часа закрыто'));
  await page.screenshot({ path: `${ARTIFACTS}chat-failed.png` });
  await failed.locator('[data-testid=delivery-retry]').click();
  await failed.locator('[data-testid=delivery][data-status=pending]').waitFor();
  await context.close();
});

test('an admin subscribes a webhook in Settings and sees its secret once', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 1000 }, locale: 'ru-RU' });
  const page = watch(await context.newPage());
  await login(page, 'admin@demo.local', 'admin-demo');
  await page.click('a[href="/settings"]');
  await page.waitForSelector('[data-testid=webhooks]');
  await page.fill('[data-testid=webhook-url]', 'http://127.0.0.1:9/hook');
  await page.click('[data-testid=webhooks] button[type=submit]');
  await page.waitForSelector('[data-testid=webhook-secret]');
  assert.match(await page.textContent('[data-testid=webhook-secret]'), /^whsec_/);
  await page.waitForSelector('[data-testid=webhook]');
  assert.ok((await page.textContent('[data-testid=webhook]')).includes('message.created'));
  await page.locator('[data-testid=webhooks]').screenshot({ path: `${ARTIFACTS}settings-webhooks.png` });
  // It leaves no subscription behind for the other tests.
  await page.locator('[data-testid=webhook] button', { hasText: 'Удалить' }).click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=webhook]'));
  await context.close();
});

test('an admin renames a tag, a step and a channel, deletes a tag, deactivates an operator; a channel that has dialogs is kept; Chats offers the new catalog at once', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 1000 }, locale: 'ru-RU' });
  const page = watch(await context.newPage());
  await login(page, 'admin@demo.local', 'admin-demo');
  await page.click('a[href="/settings"]');
  await page.waitForSelector('.settings .flow li');
  const answer = (text) => page.once('dialog', (d) => d.accept(text));
  // An operator's page open elsewhere hears the change live (catalog.changed).
  const other = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
  const operatorPage = watch(await other.newPage());
  await login(operatorPage, 'operator@demo.local', 'operator-demo');
  await operatorPage.click('.list-tools summary');
  const tags = page.locator('.settings section', { hasText: 'Теги' }).locator('li');
  answer('Очень горячий');
  await tags.first().locator('button', { hasText: 'Переименовать' }).click();
  await page.waitForFunction(() => document.querySelector('.settings').textContent.includes('Очень горячий'));
  await operatorPage.waitForFunction(() => [...document.querySelectorAll('.filters select option')].some((o) => o.textContent === 'Очень горячий'));
  await other.close();
  const step = page.locator('.settings .flow li').first();
  answer('Первое касание');
  await step.locator('button', { hasText: 'Переименовать' }).click();
  await page.waitForFunction(() => document.querySelector('.settings .flow li').textContent.includes('Первое касание'));
  // The demo's channels all have dialogs: deleting one is refused with the reason.
  await page.locator('[data-testid=channel]').first().locator('button', { hasText: 'Удалить' }).click();
  await page.waitForSelector('.settings .error');
  assert.match(await page.textContent('.settings .error'), /dialogs/);
  assert.ok(await page.locator('[data-testid=channel]').count() >= 1);
  // A channel is renamed instead.
  answer('WhatsApp основной');
  await page.locator('[data-testid=channel]').first().locator('button', { hasText: 'Переименовать' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=channel]').textContent.includes('WhatsApp основной'));
  // A new tag can go.
  const tagSection = page.locator('.settings section', { hasText: 'Теги' });
  await tagSection.locator('input[aria-label="Имя"]').fill('Временный');
  await tagSection.locator('button[type=submit]').click();
  await tagSection.locator('li', { hasText: 'Временный' }).waitFor();
  await tagSection.locator('li', { hasText: 'Временный' }).locator('button', { hasText: 'Удалить' }).click();
  await tagSection.locator('li', { hasText: 'Временный' }).waitFor({ state: 'detached' });
  // An operator is deactivated, never deleted (dialogs and the timeline name them).
  const staff = page.locator('.settings section', { hasText: 'Сотрудники' });
  await staff.locator('input[aria-label="Имя"]').fill('Пётр Временный');
  await staff.locator('input[aria-label="E-mail"]').fill('temp@demo.local');
  await staff.locator('input[aria-label="Пароль"]').fill('temporary-pass');
  await staff.locator('button[type=submit]').click();
  const temp = staff.locator('tr', { hasText: 'Пётр Временный' });
  await temp.waitFor();
  await temp.locator('button', { hasText: 'Отключить' }).click();
  await temp.locator('button', { hasText: 'Включить' }).waitFor();
  assert.equal((await temp.locator('td').nth(3).textContent()).trim(), '—');
  await page.screenshot({ path: `${ARTIFACTS}settings-renamed.png`, fullPage: true });
  // The chats page shares the catalog: the new names are offered there at
  // once, and the deactivated operator is not offered as a manager.
  await page.click('a[href="/chats/all"]');
  await page.click('.list-tools summary');
  const tagFilter = page.locator('.filters select').nth(2);
  await page.waitForFunction(() => [...document.querySelectorAll('.filters select option')].some((o) => o.textContent === 'Очень горячий'));
  assert.ok(!(await tagFilter.textContent()).includes('Временный'));
  assert.ok((await page.locator('.filters select').nth(1).textContent()).includes('WhatsApp основной'));
  await page.click('[data-testid=dialog-row] button.row');
  await page.click('[data-testid=user-data-toggle]');
  const managers = await page.locator('[data-testid=ud-manager]').textContent();
  assert.ok(managers.includes('Ольга Петрова') && !managers.includes('Пётр Временный'), managers);
  await context.close();
});

test('the status tabs are a tablist the keyboard walks, and so is the dialog list', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
  const page = watch(await context.newPage());
  await login(page, 'operator@demo.local', 'operator-demo');
  assert.equal(await page.getAttribute('nav.tabs', 'role'), 'tablist');
  assert.equal(await page.getAttribute('nav.tabs', 'aria-label'), 'Диалоги по статусам');
  assert.equal(await page.getAttribute('[data-testid=tab-all]', 'aria-selected'), 'true');
  assert.equal(await page.getAttribute('[data-testid=tab-auto]', 'tabindex'), '-1', 'one tab in the Tab order');
  await page.focus('[data-testid=tab-all]');
  await page.keyboard.press('ArrowDown');
  await page.waitForURL(/\/chats\/favourites/);
  await page.keyboard.press('ArrowDown');
  await page.waitForURL(/\/chats\/auto/);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'tab-auto');
  assert.equal(await page.getAttribute('[data-testid=tab-auto]', 'aria-selected'), 'true');
  await page.keyboard.press('End');
  await page.waitForURL(/\/chats\/finished/);
  // The list of All arrives after the address changes; until then the rows
  // of the tab before stay on screen (a Transition), and a row focused then
  // is replaced (its focus lost) when the new rows come.
  const allListed = page.waitForResponse((r) => r.url().includes('/api/v1/dialogs?') && r.url().includes('view=all'));
  await page.keyboard.press('ArrowDown');
  await page.waitForURL(/\/chats\/all/);
  await allListed;
  await page.waitForFunction(() => !document.querySelector('[data-testid=dialog-list] li.loading'));
  // The dialog list: ↓ and ↑ move between rows, Enter opens the one in focus.
  await page.waitForSelector('[data-testid=dialog-row]');
  await page.focus('[data-testid=dialog-row] button.row');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  const focusedId = await page.evaluate(() => document.activeElement.closest('[data-testid=dialog-row]').dataset.id);
  const secondId = await page.getAttribute('[data-testid=dialog-row]:nth-of-type(2)', 'data-id');
  assert.equal(focusedId, secondId, 'the second row has the focus');
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`dialog=${secondId}`));
  await page.waitForSelector('[data-testid=chat]');
  await context.close();
});

// The shell's routes (frontend/src/ui/route.rs): links, Back and Forward,
// redirects that leave no history entry, a tab change that keeps the page.
test('the address bar drives the pages: links, Back and Forward, redirects, the current section', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
  const page = watch(await context.newPage());
  await login(page, 'admin@demo.local', 'admin-demo');
  assert.match(page.url(), /\/chats\/all$/, '/ is sent on to the chats');
  assert.equal(await page.getAttribute('.topbar a[href="/chats/all"]', 'aria-current'), 'page');
  // A tab is a link; the page stays (the search typed before is kept).
  await page.fill('input.search', 'Анн');
  await page.click('[data-testid=tab-manual]');
  await page.waitForURL(/\/chats\/manual$/);
  assert.equal(await page.inputValue('input.search'), 'Анн', 'a tab change keeps the chats page');
  await page.fill('input.search', '');
  // Another section, then Back and Forward.
  await page.click('.topbar a[href="/records"]');
  await page.waitForSelector('[data-testid=records-table]');
  assert.equal(await page.getAttribute('.topbar a[href="/records"]', 'aria-current'), 'page');
  assert.equal(await page.getAttribute('.topbar a[href="/chats/all"]', 'aria-current'), null);
  await page.goBack();
  await page.waitForURL(/\/chats\/manual$/);
  await page.waitForSelector('[data-testid=dialog-list]');
  assert.equal(await page.getAttribute('[data-testid=tab-manual]', 'aria-selected'), 'true');
  await page.goForward();
  await page.waitForSelector('[data-testid=records-table]');
  // A record's page stays in its section.
  await page.click('[data-testid=record-row]');
  await page.waitForURL(/\/records\/dialog\/\d+$/);
  assert.equal(await page.getAttribute('.topbar a[href="/records"]', 'aria-current'), 'page');
  // An unknown address is replaced, so Back skips it.
  await page.goto(`${BASE}/no/such/page`);
  await page.waitForURL(/\/chats\/all$/);
  await page.waitForSelector('[data-testid=dialog-list]');
  await page.goBack();
  await page.waitForURL(/\/records\/dialog\/\d+$/);
  // A link the server answers itself is not taken over by the app.
  await page.goto(`${BASE}/chats/all`);
  await page.waitForSelector('[data-testid=dialog-list]');
  await page.evaluate(() => {
    const a = document.createElement('a');
    a.href = '/api/openapi.json';
    a.id = 'server-link';
    a.textContent = 'health';
    document.body.append(a);
  });
  await Promise.all([page.waitForURL(/\/api\/openapi\.json$/), page.click('#server-link')]);
  await context.close();
});

// axe-core's checks (WCAG 2.x A and AA, colour contrast included) on the
// three pages an operator, a head and an admin live in. Serious and
// critical findings fail; the rest are printed for a later look.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
async function accessibilityProblems(page) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  const minor = found.filter((v) => !['serious', 'critical'].includes(v.impact));
  if (minor.length) console.log('axe, minor:', JSON.stringify(minor));
  return found.filter((v) => ['serious', 'critical'].includes(v.impact));
}

test('Chats, Records and Settings have no serious accessibility violations (axe-core)', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
  const page = watch(await context.newPage());
  await login(page, 'admin@demo.local', 'admin-demo');
  await page.click('[data-testid=tab-manual]');
  await page.waitForSelector('[data-testid=dialog-row]');
  await page.click('[data-testid=dialog-row] button.row');
  await page.click('[data-testid=user-data-toggle]');
  await page.waitForSelector('[data-testid=timeline] li');
  assert.deepEqual(await accessibilityProblems(page), [], 'Chats with a dialog and User Data open');
  await page.goto(`${BASE}/records`);
  await page.waitForSelector('[data-testid=record-row]');
  assert.deepEqual(await accessibilityProblems(page), [], 'Records → Dialog list');
  await page.goto(`${BASE}/settings`);
  await page.waitForSelector('[data-testid=channel]');
  assert.deepEqual(await accessibilityProblems(page), [], 'Settings');
  await context.close();
});

test('the session lives in an HttpOnly cookie: no token for scripts or URLs; logout ends it', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
  const page = watch(await context.newPage());
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  await login(page, 'operator@demo.local', 'operator-demo');
  // Wait for the live stream to open (it asks for a ticket first).
  for (let i = 0; i < 50 && !urls.some((u) => u.includes('/api/v1/stream?')); i++) await page.waitForTimeout(100);
  const readable = await page.evaluate(() => JSON.stringify({
    local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie,
  }));
  assert.ok(!/eyJ|dialogdesk_session/.test(readable), `nothing a script can read holds the token: ${readable}`);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'dialogdesk_session');
  assert.ok(session, 'the session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(session.path, '/api');
  assert.ok(!urls.some((u) => /[?&]token=/.test(u)), `no token in any URL: ${urls.filter((u) => u.includes('token'))}`);
  const streams = urls.filter((u) => u.includes('/api/v1/stream?'));
  assert.ok(streams.length >= 1 && streams.every((u) => /[?&]ticket=dst_/.test(u)), `the stream opens with a ticket: ${streams}`);
  // A reload keeps the session (the cookie), without a stored token.
  await page.reload();
  await page.waitForSelector('[data-testid=dialog-list]');
  // Logout ends the token on the server, not only in this page.
  await page.click('[data-testid=logout]');
  await page.waitForSelector('input[name=email]');
  const r = await fetch(`${BASE}/api/v1/me`, { headers: { authorization: `Bearer ${session.value}` } });
  assert.equal(r.status, 401, 'the logged-out token is refused');
  assert.ok(!(await context.cookies()).some((c) => c.name === 'dialogdesk_session'), 'the cookie is cleared');
  await page.reload();
  await page.waitForSelector('input[name=email]');
  await context.close();
});

test('the first chats page loads only the main wasm; the open chat, Settings and Records load their own on first use, also by a direct link; a part that cannot load offers a reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
  const page = watch(await context.newPage());
  const wasms = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasms.push(new URL(r.url()).pathname.split('/').pop()); });
  await login(page, 'admin@demo.local', 'admin-demo');
  await page.waitForSelector('[data-testid=dialog-row]');
  assert.deepEqual(wasms, ['dialogdesk_bg.wasm'], 'the chats page needs no split wasm');
  const split = (name) => wasms.some((w) => w.startsWith(`split_${name}`));
  await page.click('[data-testid=dialog-row] button.row');
  await page.waitForSelector('[data-testid=chat-status]');
  assert.ok(split('chat_panel_view'), `opening a dialog loads the chat's wasm: ${wasms}`);
  assert.ok(!split('settings_view') && !split('records_view'), `and nothing else: ${wasms}`);
  // A part whose wasm does not load (offline, a new version installed)
  // says so, with a reload that brings it.
  await page.route('**/split_settings_view*.wasm', (route) => route.abort());
  await page.click('a[href="/settings"]');
  await page.waitForSelector('[data-testid=load-failed]');
  assert.ok(!(await page.isVisible('.settings h1')), 'no Settings without its wasm');
  await page.unroute('**/split_settings_view*.wasm');
  await page.click('[data-testid=load-failed] button');
  await page.waitForSelector('.settings h1');
  assert.ok(split('settings_view'), `Settings loads its wasm: ${wasms}`);
  // A direct link (a reload) to a page in a split wasm shows it.
  wasms.length = 0;
  await page.goto(`${BASE}/records`);
  await page.waitForSelector('[data-testid=records-search]');
  assert.ok(split('records_view') && !split('settings_view'), `a link to Records loads its wasm only: ${wasms}`);
  const token = await apiToken('admin@demo.local', 'admin-demo');
  const finished = await api(token, '/api/v1/records/dialogs?limit=1');
  const id = finished.items[0].dialog_id;
  await page.goto(`${BASE}/records/dialog/${id}`);
  await page.waitForSelector('[data-testid=chat-status]');
  await page.screenshot({ path: `${ARTIFACTS}/split-record-dialog.png` });
  await context.close();
});

test('no page broke its content security policy or threw; the policy is enforced', async () => {
  // What the scenarios above left: nothing.
  assert.deepEqual(broken, []);
  // A positive control, so the check above cannot pass by not listening:
  // an injected inline script is refused, and the refusal is heard.
  const context = await browser.newContext();
  const page = watch(await context.newPage());
  await page.goto(BASE);
  await page.waitForSelector('input[name=email]');
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.body.appendChild(script);
  });
  assert.equal(await page.evaluate(() => window.__injected), undefined, 'the inline script did not run');
  for (let i = 0; i < 50 && broken.length === 0; i++) await page.waitForTimeout(100);
  assert.equal(broken.length, 1, `exactly the injected script was refused: ${broken}`);
  assert.match(broken[0], /inline script/i);
  await context.close();
});
