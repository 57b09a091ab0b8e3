// How soon the chats page is usable: from navigation start to the first
// dialog row, for a logged-in operator, in Debian's headless Chromium on
// loopback against `dialogdesk serve --demo` (DIALOGDESK_URL). Run by
// `make bench` (scripts/bench-first-load.sh); printed, never asserted.
//
// Cold: a fresh browser context each time (empty cache: the whole bundle
// is downloaded and compiled). Warm: a reload in the same context (the
// hashed assets come from the cache). The budget is 1 s; the figures are
// printed as ratios to it and to a baseline of the same run: the same
// server answering the bare page (index.html, no app) to the same browser.
// Cold on a link: the same, with Chromium's network throttled to a
// 10 Mbit/s office or 4G link with 40 ms round trips, where the size of the
// download shows (on loopback it hardly does).
import { chromium } from 'playwright-core';

const BASE = process.env.DIALOGDESK_URL ?? 'http://127.0.0.1:8080';
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync'],
});

async function loggedInContext() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
  // The login sets the HttpOnly session cookie in this context, as the form would.
  const r = await context.request.post(`${BASE}/api/v1/auth/login`, {
    data: { email: 'operator@demo.local', password: 'operator-demo' },
  });
  if (!r.ok()) throw new Error(`login: ${r.status()}`);
  return context;
}

async function untilFirstRow(page, load) {
  await load();
  await page.waitForSelector('[data-testid=dialog-row]');
  // performance.now() counts from this navigation's start.
  return page.evaluate(() => performance.now());
}

const LINK = { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 5e6 / 8 };
const cold = [], warm = [], bare = [], link = [];
for (let i = 0; i < RUNS; i++) {
  const context = await loggedInContext();
  const page = await context.newPage();
  cold.push(await untilFirstRow(page, () => page.goto(`${BASE}/chats/all`)));
  warm.push(await untilFirstRow(page, () => page.reload()));
  // The baseline: the page without the app (script execution off).
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const plainPage = await plain.newPage();
  await plainPage.goto(`${BASE}/chats/all`, { waitUntil: 'load' });
  bare.push(await plainPage.evaluate(() => performance.now()).catch(() => NaN));
  await plain.close();
  await context.close();
  const slow = await loggedInContext();
  const slowPage = await slow.newPage();
  const cdp = await slow.newCDPSession(slowPage);
  await cdp.send('Network.emulateNetworkConditions', LINK);
  link.push(await untilFirstRow(slowPage, () => slowPage.goto(`${BASE}/chats/all`)));
  await slow.close();
}
await browser.close();

const median = (xs) => { const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const p90 = (xs) => { const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]; };
console.log(`first chats page, navigation start → first dialog row (${RUNS} runs, loopback):`);
for (const [name, xs] of [['cold (empty cache)', cold], ['warm (reload)', warm], ['cold, 10 Mbit/s link', link]]) {
  console.log(`  ${name.padEnd(20)} median ${median(xs).toFixed(0)} ms, p90 ${p90(xs).toFixed(0)} ms` +
    `  = ${(median(xs) / 1000).toFixed(2)}x the 1 s budget`);
}
if (Number.isFinite(median(bare))) {
  console.log(`  baseline: the bare page (no app) loads in ${median(bare).toFixed(0)} ms; cold first row = ${(median(cold) / median(bare)).toFixed(1)}x that`);
}
