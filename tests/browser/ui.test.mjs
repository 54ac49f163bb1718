// Headless-browser tests of the analyst web UI, in Debian's chromium driven
// by playwright-core. scripts/browser-test.sh starts the server and runs
// this with:
//
//   INTERDICT_URL          the server, e.g. http://127.0.0.1:8123
//   INTERDICT_ADMIN_TOKEN  the server's admin token
//   BROWSER_OUT            where screenshots go (default target/browser)
//   CHROMIUM               the browser (default /usr/bin/chromium)
//
// The tests run in order and share what they make: the decision screened
// in the first is disposed of in the second and shown in the fourth.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.INTERDICT_URL || '').replace(/\/$/, '');
const TOKEN = process.env.INTERDICT_ADMIN_TOKEN || '';
const OUT = path.resolve(process.env.BROWSER_OUT || 'target/browser');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const AS_OF = '2021-03-01';
const PARTY = 'Alipay.com Co., Ltd.';
const OPERATOR = 'alipay_com_co';

if (!BASE || !TOKEN) {
  console.error('error: set INTERDICT_URL and INTERDICT_ADMIN_TOKEN (scripts/browser-test.sh does)');
  process.exit(2);
}

class Failure extends Error {}

function check(condition, message) {
  if (!condition) throw new Failure(message);
}

function equal(actual, expected, what) {
  if (actual !== expected) {
    throw new Failure(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

async function getJson(url, token) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  const response = await fetch(BASE + url, { headers });
  const body = await response.json();
  check(response.ok, `GET ${url} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

// A PNG's signature and the size in its IHDR chunk.
function pngSize(file) {
  const bytes = readFileSync(file);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  check(bytes.length > 24, `${file} is ${bytes.length} bytes: too short for a PNG`);
  check(signature.every((b, i) => bytes[i] === b), `${file} does not start with the PNG signature`);
  check(bytes.toString('latin1', 12, 16) === 'IHDR', `${file} has no IHDR chunk first`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bytes: bytes.length };
}

const shared = {};
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('screening form: the Alipay operator as of 2021-03-01 is REVIEW, with its hit', async (page) => {
  await page.goto(BASE + '/');
  equal(await page.locator('nav.nav a[aria-current="page"]').textContent(), 'Screen', 'current nav item');
  await page.fill('#screen-names', PARTY);
  await page.fill('#screen-as-of', AS_OF);
  await page.click('#screen-submit');
  const outcome = page.locator('#result-outcome');
  await outcome.waitFor();
  equal((await outcome.textContent()).trim(), 'REVIEW', 'outcome shown');
  const hit = page.locator(`#result-hits tr.hit-row[data-entity="${OPERATOR}"]`);
  equal(await hit.count(), 1, `hit rows for ${OPERATOR}`);
  check((await hit.textContent()).includes('EO13971'), 'the hit names order EO13971');
  const entityLink = hit.locator('a').first();
  equal(await entityLink.getAttribute('href'), `/ui/entities/${OPERATOR}?as_of=${AS_OF}`, 'entity link');
  const link = page.locator('#result-decision');
  const href = await link.getAttribute('href');
  const match = /^\/ui\/decisions\/(d-[0-9]+-[0-9a-f]{16})$/.exec(href || '');
  check(match, `decision link ${JSON.stringify(href)} is not /ui/decisions/d-<number>-<16 hex>`);
  shared.decision = match[1];
  const recorded = await getJson(`/v1/decisions/${shared.decision}`);
  equal(recorded.decision.outcome, 'review', 'recorded outcome');
  equal(recorded.alert && recorded.alert.status, 'open', 'alert status after screening');
});

test('name search box lists the operator with a link to its page', async (page) => {
  await page.goto(BASE + '/');
  await page.fill('#search-q', 'Alipay.com');
  await page.click('#search-form button[type=submit]');
  const link = page.locator(`#search-hits a[href="/ui/entities/${OPERATOR}"]`);
  await link.waitFor();
  equal((await link.textContent()).trim(), PARTY, 'search hit name');
});

test('alert queue: dispose the alert as escalated; it leaves the open queue', async (page) => {
  check(shared.decision, 'no decision from the screening test');
  const id = shared.decision;
  await page.goto(BASE + '/ui/alerts');
  equal(await page.locator('nav.nav a[aria-current="page"]').textContent(), 'Alerts', 'current nav item');
  const card = page.locator(`li.alert-card[data-alert="${id}"]`);
  equal(await card.count(), 1, `open alert cards for ${id}`);
  const form = card.locator('form.dispose');
  const message = form.locator('.form-message');

  // A wrong token is refused and the alert stays.
  await page.fill('#token-input', 'not-the-token');
  await page.click('#token-form button[type=submit]');
  await form.locator('select[name=status]').selectOption('escalated');
  await form.locator('input[name=author]').fill('browser test');
  await form.locator('textarea[name=comment]').fill('Checked the <operator> & its "owner"; passing up for a second opinion.');
  await form.locator('button[type=submit]').click();
  await page.waitForFunction((node) => /refused/.test(node.textContent), await message.elementHandle());
  equal(await card.count(), 1, 'alert cards after a refused disposition');

  // The right one goes through.
  await page.fill('#token-input', TOKEN);
  await page.click('#token-form button[type=submit]');
  equal((await page.locator('#token-state').textContent()).trim(), 'token saved for this tab', 'token state');
  await form.locator('button[type=submit]').click();
  await card.waitFor({ state: 'detached' });
  check((await page.locator('#flash-text').textContent()).includes(id), 'the confirmation names the alert');

  const open = await getJson('/v1/alerts?status=open');
  check(!open.alerts.some((a) => a.id === id), `GET /v1/alerts?status=open still lists ${id}`);
  const escalated = await getJson('/v1/alerts?status=escalated');
  check(escalated.alerts.some((a) => a.id === id), `GET /v1/alerts?status=escalated does not list ${id}`);

  await page.reload();
  equal(await page.locator(`li.alert-card[data-alert="${id}"]`).count(), 0, 'open alert cards after reload');
  await page.goto(BASE + '/ui/alerts?status=escalated');
  const moved = page.locator(`li.alert-card[data-alert="${id}"]`);
  equal(await moved.getAttribute('data-status'), 'escalated', 'status in the escalated queue');
});

test('entity page: the ownership graph marks the coverage path; screenshot', async (page) => {
  await page.goto(`${BASE}/ui/entities/${OPERATOR}?as_of=${AS_OF}`);
  equal((await page.locator('#entity-name').textContent()).trim(), PARTY, 'entity name');
  const graph = page.locator('svg#ownership-graph');
  equal(await graph.count(), 1, 'svg#ownership-graph elements');
  await graph.waitFor({ state: 'visible' });
  check((await graph.locator('.coverage').count()) >= 1, 'no element of class coverage in the graph');
  // EO 13971 reaches the operator through the Alipay app it operates.
  const edge = graph.locator(`path.edge.coverage[data-from="${OPERATOR}"][data-kind="operates"][data-to="alipay"]`);
  equal(await edge.count(), 1, 'coverage edges alipay_com_co operates alipay');
  equal(await graph.locator(`g.node.focus[data-id="${OPERATOR}"]`).count(), 1, 'focus node');
  equal(await graph.locator('g.node.coverage[data-id="alipay"]').count(), 1, 'the app as a coverage node');
  const owner = graph.locator('path.edge[data-from="ant_group"][data-kind="controls"][data-to="alipay_com_co"]');
  equal(await owner.count(), 1, 'the controller edge');
  check(!(await owner.getAttribute('class')).includes('coverage'), 'the controller edge is not on the operator\'s path');
  const legend = await graph.locator('.legend').textContent();
  check(legend.includes('EO13971') && legend.includes('operates'), `legend does not say how EO13971 covers: ${legend}`);
  check((await page.locator('#coverage').textContent()).includes('EO13971'), 'coverage list names EO13971');

  // Owners above the operator, the app below it.
  const box = async (id) => graph.locator(`g.node[data-id="${id}"] rect`).boundingBox();
  const [controller, focus, app] = [await box('ant_group'), await box(OPERATOR), await box('alipay')];
  check(controller.y + controller.height <= focus.y, 'the controller is not drawn above the operator');
  check(focus.y + focus.height <= app.y, 'the app is not drawn below its operator');

  const bounds = await graph.boundingBox();
  check(bounds && bounds.width > 100 && bounds.height > 100, `graph bounding box ${JSON.stringify(bounds)}`);
  const viewport = page.viewportSize();
  check(bounds.x >= 0 && bounds.x + bounds.width <= viewport.width + 1, 'graph wider than the page');
  mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, 'entity-graph.png');
  await graph.screenshot({ path: file });
  const png = pngSize(file);
  check(statSync(file).size > 1000, `${file} is nearly empty`);
  check(png.width >= Math.floor(bounds.width) && png.height >= Math.floor(bounds.height),
    `screenshot ${png.width}x${png.height} smaller than the graph ${bounds.width}x${bounds.height}`);
  await page.screenshot({ path: path.join(OUT, 'entity-page.png'), fullPage: true });
  console.log(`    screenshot ${file} (${png.width}x${png.height}, ${png.bytes} bytes)`);
});

test('decision page explains the hit, shows the disposition and the audit hash', async (page) => {
  check(shared.decision, 'no decision from the screening test');
  await page.goto(`${BASE}/ui/decisions/${shared.decision}`);
  equal((await page.locator('#decision-id').textContent()).trim(), shared.decision, 'decision id');
  equal((await page.locator('#decision-outcome').textContent()).trim(), 'REVIEW', 'outcome');
  equal((await page.locator('#decision-as-of').textContent()).trim(), AS_OF, 'as of');
  const hit = page.locator(`article.hit[data-entity="${OPERATOR}"]`);
  equal(await hit.count(), 1, 'hit articles');
  const features = await hit.locator('table.features').textContent();
  check(features.includes('alipay') && features.includes('exact'), `features table: ${features}`);
  check((await hit.textContent()).includes('Alipay (app) ←operates— Alipay.com Co., Ltd.'), 'the coverage path');
  check((await page.locator('#alert').textContent()).includes('escalated'), 'alert status escalated');
  const row = await page.locator('#dispositions tbody tr').first().textContent();
  check(row.includes('Checked the <operator> & its "owner"'), `the disposition comment, as typed: ${row}`);
  const hash = (await page.locator('#audit-hash').textContent()).trim();
  check(/^[0-9a-f]{64}$/.test(hash), `audit hash ${hash}`);
  const recorded = await getJson(`/v1/decisions/${shared.decision}`);
  equal(hash, recorded.hash, 'audit hash');
});

test('orders: the list links EO 13971; its timeline chart marks the events and the date', async (page) => {
  const { orders } = await getJson(`/v1/orders?as_of=${AS_OF}`);
  const order = orders.find((o) => o.citation === '86 FR 1249');
  check(order, 'no order with citation 86 FR 1249 in GET /v1/orders');
  await page.goto(`${BASE}/ui/orders?as_of=${AS_OF}`);
  equal(await page.locator(`#orders a[href="/ui/orders/${order.id}?as_of=${AS_OF}"]`).count(), 1, 'order links');
  await page.goto(`${BASE}/ui/orders/${order.id}?as_of=${AS_OF}`);
  const chart = page.locator('svg#order-timeline');
  await chart.waitFor({ state: 'visible' });
  for (const [event, date] of [['signed', order.signed], ['effective', order.effective], ['revoked', order.revoked]]) {
    equal(await chart.locator(`g.event[data-event="${event}"][data-date="${date}"]`).count(), 1, `${event} markers`);
  }
  equal(await chart.locator(`g.as-of[data-date="${AS_OF}"]`).count(), 1, 'as-of markers');
  check((await chart.locator('g.span-in_force').count()) >= 1, 'no in-force span');
  check((await page.locator('#order-status').textContent()).includes('in force'), 'status on the date');
  const bounds = await chart.boundingBox();
  check(bounds && bounds.width > 300 && bounds.height > 80, `timeline bounding box ${JSON.stringify(bounds)}`);
  const file = path.join(OUT, 'order-timeline.png');
  await chart.screenshot({ path: file });
  pngSize(file);
});

test('an unknown entity or decision is a 404 page in HTML', async (page) => {
  for (const url of ['/ui/entities/no_such_entity', '/ui/decisions/d-0000000000000000', '/ui/orders/EO1']) {
    const response = await page.goto(BASE + url);
    equal(response.status(), 404, `status of ${url}`);
    check(response.headers()['content-type'].startsWith('text/html'), `${url} is not HTML`);
    equal((await page.locator('h1').textContent()).trim(), 'Not found', `heading of ${url}`);
  }
});

test('a false positive with an allowlist entry keeps the hit from coming back', async (page) => {
  const screen = async () => {
    await page.goto(BASE + '/');
    await page.fill('#screen-names', PARTY);
    await page.fill('#screen-as-of', AS_OF);
    await page.click('#screen-submit');
    await page.locator('#result-outcome').waitFor();
    return (await page.locator('#result-outcome').textContent()).trim();
  };
  equal(await screen(), 'REVIEW', 'outcome before the allowlist entry');
  const id = /(d-[0-9]+-[0-9a-f]{16})$/.exec(await page.locator('#result-decision').getAttribute('href'))[1];
  check(id !== shared.decision, 'a second screening has its own decision');

  await page.goto(BASE + '/ui/alerts');
  await page.fill('#token-input', TOKEN);
  await page.click('#token-form button[type=submit]');
  const form = page.locator(`li.alert-card[data-alert="${id}"] form.dispose`);
  const allow = form.locator('input[name=allowlist]');
  check(await allow.isDisabled(), 'the allowlist fields are off unless false positive');
  await form.locator('select[name=status]').selectOption('false_positive');
  check(await allow.isEnabled(), 'the allowlist fields are on for a false positive');
  await form.locator('input[name=allowlist]').check();
  await form.locator('input[name=expires]').fill('2030-01-01');
  await form.locator('input[name=author]').fill('browser test');
  await form.locator('textarea[name=comment]').fill('Another company of that name.');
  await form.locator('button[type=submit]').click();
  await form.waitFor({ state: 'detached' });
  const flashed = await page.locator('#flash-text').textContent();
  check(/allowlist entry a-\d+ added for the name “/.test(flashed), `the confirmation says which entry, on what: ${flashed}`);
  const recorded = await getJson(`/v1/decisions/${id}`);
  equal(recorded.alert.status, 'false_positive', 'alert status');
  const entry = recorded.dispositions[0] && recorded.dispositions[0].allow_entry;
  check(entry, 'the disposition has no allowlist entry');
  equal(entry.expires, '2030-01-01', 'allowlist entry expiry');
  equal(entry.entity_id, OPERATOR, 'allowlist entry entity');

  equal(await screen(), 'ALLOW', 'outcome with the allowlist entry');
  check((await page.locator('#screen-result').textContent()).includes('suppressed by the allowlist'),
    'the result says a hit was suppressed');
});

async function main() {
  const profile = mkdtempSync(path.join(tmpdir(), 'interdict-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(15000);
  let passed = 0;
  let failed = 0;
  try {
    for (const { name, fn } of tests) {
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) problems.push(`console error: ${m.text()}`);
      });
      try {
        await fn(page);
        check(problems.length === 0, problems.join('; '));
        passed += 1;
        console.log(`ok - ${name}`);
      } catch (e) {
        failed += 1;
        console.log(`FAIL - ${name}\n    ${e instanceof Failure ? e.message : e.stack || e}`);
        try {
          mkdirSync(OUT, { recursive: true });
          await page.screenshot({ path: path.join(OUT, `failed-${tests.findIndex((t) => t.name === name) + 1}.png`), fullPage: true });
        } catch (_) {
          // the page may be gone
        }
      } finally {
        await page.close();
      }
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(`error: ${e.stack || e}`);
  process.exit(1);
});
