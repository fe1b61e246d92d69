/**
 * The console page in a real browser: Debian's Chromium, headless, driven by
 * playwright-core (which never downloads a browser), against the stack's console
 * service (MDP_CONSOLE_URL). A screenshot is saved under test-artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '@mdp/schemas';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUSINESS_TABLES,
  createPool,
  ensureLoaded,
  pnpm,
  pnpmOk,
  repo,
  startSimulator,
} from './support/platform.js';

const pool = createPool();
const consoleUrl = process.env['MDP_CONSOLE_URL']!;
const artifacts = join(repo, 'packages', 'e2e', 'test-artifacts');
let browser: Browser;

beforeAll(async () => {
  await ensureLoaded(pool);
  const executablePath = execFileSync('bash', [join(repo, 'scripts', 'chromium.sh')], {
    encoding: 'utf8',
  }).trim();
  // Chromium will not use its sandbox as root (CI runs as root); the page is our own
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await pool.end();
});

/** Per chart of the page, the pixels of its first series' colour (a script: no DOM types here). */
const LINE_PIXELS = `[...document.querySelectorAll('#charts figure canvas')].map((canvas) => {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let i = 0; i < data.length; i += 4)
    if (Math.abs(data[i] - 9) < 30 && Math.abs(data[i + 1] - 105) < 30 && Math.abs(data[i + 2] - 218) < 30) n++;
  return n;
})`;

/** The page's table: table name → its cells as numbers (a dash is NaN). */
async function tableCounts(page: Page): Promise<Map<string, number[]>> {
  const rows = await page.locator('#tables tbody tr').allInnerTexts();
  return new Map(
    rows.map((row) => {
      const [name, ...cells] = row.split('\t').map((cell) => cell.trim());
      return [name!, cells.map((cell) => Number(cell.replaceAll(',', '')))];
    }),
  );
}

describe('the console page', () => {
  it("shows every stage and every table counted while the simulator runs, the checkers' verdicts and a table's newest changes decoded; a stopped Connect turns its stage red with the reason", async () => {
    const sim = startSimulator('20/s');
    const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
    let connectStopped = false;
    let simRunning = true;
    try {
      await page.goto(consoleUrl);
      await page.waitForSelector('#flow li[data-stage]');
      const stages = await page.locator('#flow li').all();
      expect(await Promise.all(stages.map((li) => li.getAttribute('data-stage')))).toEqual([
        'postgres',
        'slot',
        'connect',
        'kafka',
        'spark',
        'lake',
      ]);
      // PostgreSQL rows, Kafka records, bronze and silver rows of each business table
      await pollUntil(
        'every business table counted at every stage',
        async () => {
          const counts = await tableCounts(page);
          return BUSINESS_TABLES.every((table) =>
            [0, 1, 3, 4].every((column) => (counts.get(table)?.[column] ?? 0) > 0),
          );
        },
        120_000,
      );
      await pollUntil(
        'a chart of each figure',
        async () => (await page.locator('#charts figure canvas').count()) === 5,
        30_000,
      );
      // each draws its line: pixels of the first series' colour (#0969da) on its canvas
      await pollUntil(
        'every chart draws its line',
        async () => (await page.evaluate<number[]>(LINE_PIXELS)).every((n) => n > 0),
        60_000,
      );

      await sim.stop();
      simRunning = false;

      // delta:check's verdict, just taken, is on the page with its answer and time
      const checkedFrom = Date.now();
      const check = await pnpm(['delta:check', '--tables', 'products', '--json', '-']);
      const { equal } = JSON.parse(check.stdout) as { equal: boolean };
      const verdict = page.locator('#verdicts tr[data-checker="delta:check"]');
      await pollUntil(
        "delta:check's verdict on the page",
        async () =>
          (await verdict.count()) === 1 &&
          (await verdict.getAttribute('data-ok')) === String(equal) &&
          Date.parse((await verdict.locator('td').nth(2).getAttribute('title')) ?? '') >=
            checkedFrom,
        30_000,
      );

      // a change made now is among the newest changes of its table, decoded
      const marker = `console-${Date.now()}@example.com`;
      const updated = await pool.query(
        'UPDATE customers SET email = $1 WHERE id = (SELECT max(id) FROM customers) RETURNING id',
        [marker],
      );
      expect(updated.rowCount).toBe(1);
      await page.selectOption('#change-table', 'customers');
      await pollUntil(
        'the update decoded among the newest changes of customers',
        async () => (await page.locator('#changes tbody').innerText()).includes(marker),
        60_000,
      );
      expect(
        await page.locator(`#changes tbody tr[data-op="u"]`, { hasText: marker }).count(),
      ).toBe(1);

      await pnpmOk(['stack', 'stop', 'connect']);
      connectStopped = true;
      const connect = page.locator('#flow li[data-stage="connect"][data-health="stopped"]');
      await connect.waitFor({ timeout: 20_000 });
      expect(await connect.textContent()).toContain('Kafka Connect does not answer');
      expect(await connect.textContent()).toContain('pnpm stack:logs connect');
      mkdirSync(artifacts, { recursive: true });
      const screenshot = join(artifacts, 'console.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      process.stdout.write(`console: screenshot with Connect stopped in ${screenshot}\n`);
    } finally {
      await page.close();
      if (connectStopped) {
        await pnpmOk(['stack', 'start', 'connect']);
        await pnpmOk(['connect:register']); // waits for the task RUNNING again
      }
      if (simRunning) await sim.stop();
    }
  });

  it("the soak's and the bench's plot page draws every chart with the console's code, offline", async () => {
    mkdirSync(artifacts, { recursive: true });
    const run = join(artifacts, 'soak-run.json');
    const plot = join(artifacts, 'soak-plot.html');
    const sample = (minute: number) => ({
      at: minute * 60,
      memoryBytes: { kafka: (400 + minute) * 1024 ** 2, spark: (700 + 50 * minute) * 1024 ** 2 },
      files: { 'silver/orders': { active: 2, stored: 10 + minute } },
    });
    writeFileSync(
      run,
      JSON.stringify({
        args: { minutes: 3, rate: 200, faultEveryMinutes: 1 },
        samples: [0, 1, 2, 3].map(sample),
        faults: [{ name: 'kill -9 Kafka Connect', at: 60, recoverySeconds: 42 }],
        verdicts: { validateOk: true },
        loadStart: [1, 1, 1],
        loadEnd: [2, 2, 2],
      }),
    );
    await pnpmOk(['soak', '--from', run, '--plot', plot]);
    const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    // offline: the page may fetch nothing
    await page.route('**', (route) =>
      route.request().url().startsWith('file:') ? route.continue() : route.abort(),
    );
    try {
      await page.goto(`file://${plot}`);
      await page.waitForSelector('#charts figure canvas');
      const figures = await page.locator('#charts figure').all();
      expect(await Promise.all(figures.map((f) => f.getAttribute('data-chart')))).toEqual([
        'memory',
        'files-read',
        'files-stored',
        'recovery',
      ]);
      for (const figure of figures) expect(await figure.locator('canvas').count()).toBe(1);
      // one line per service in the memory chart's legend
      const legend = await page.locator('[data-chart="memory"] .u-legend').innerText();
      expect(legend).toContain('kafka');
      expect(legend).toContain('spark');
      expect(await page.locator('body').innerText()).toContain(
        'kill -9 Kafka Connect, back in 42 s',
      );
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
