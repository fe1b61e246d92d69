/**
 * The console page in a real browser: Debian's Chromium, headless, driven by
 * playwright-core (which never downloads a browser), against the stack's console
 * service (MDP_CONSOLE_URL). A screenshot is saved under test-artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '@mdp/schemas';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUSINESS_TABLES,
  createPool,
  ensureLoaded,
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
  it('shows every stage and every table counted while the simulator runs; a stopped Connect turns its stage red with the reason', async () => {
    const sim = startSimulator('20/s');
    const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
    let connectStopped = false;
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
      await sim.stop();
    }
  });
});
