/**
 * The demo stack driven from a real browser: Debian's chromium through playwright-core, against the
 * local console, with the bot, a host worker and a sandbox libvirtd all real (the same
 * startDemoStack `npm run demo` runs). A requester asks for a network, an approver approves it in
 * the console, the job and its lifecycle alert show up, list and bridges show it, and it is deleted
 * the same way. Screenshots of each step go to test-artifacts/console/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { join, resolve } from 'node:path';
import { type BrowserContext, type Locator, type Page, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, startDemoStack } from '../../tools/demo/demo-stack.js';
import { FAKE_IDS } from '../../tools/fake-slack/index.js';
import { virsh } from '../../tools/sandbox/sandbox-host.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts/console');
const STEP_TIMEOUT_MS = 30_000;

let stack: DemoStack;
let workDir: string;
let profileDir: string;
let context: BrowserContext;
let page: Page;
let shot = 0;

async function screenshot(name: string): Promise<void> {
  shot += 1;
  await page.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`) });
}

async function actAs(userId: string): Promise<void> {
  const realName =
    (await page.locator(`#user-switcher option[value="${userId}"]`).textContent())?.split(' — ')[0] ?? userId;
  await page.selectOption('#user-switcher', userId);
  // The page re-fetches the workspace as that person, then names them in its title.
  for (const deadline = Date.now() + STEP_TIMEOUT_MS; !(await page.title()).endsWith(realName);) {
    if (Date.now() > deadline) throw new Error(`the console did not switch to ${realName}`);
    await delay(50);
  }
}

async function openChannel(name: string): Promise<void> {
  await page.locator('#channels button', { hasText: `# ${name}` }).click();
  await page.locator('#channel-header', { hasText: name }).waitFor({ timeout: STEP_TIMEOUT_MS });
}

async function type(command: string): Promise<void> {
  await page.fill('#composer-input', command);
  await page.press('#composer-input', 'Enter');
}

/** Clicks a button of a message and confirms its confirmation dialog (Approve has one). */
async function clickAndConfirm(message: Locator, name: string): Promise<void> {
  await message.getByRole('button', { name }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor({ timeout: STEP_TIMEOUT_MS });
  await dialog.getByRole('button').last().click();
  await dialog.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
}

/** The newest message in the channel pane holding every one of `texts`, once it is there. */
async function messageWith(...texts: (string | RegExp)[]): Promise<Locator> {
  let messages = page.locator('#messages article.message');
  for (const text of texts) messages = messages.filter({ hasText: text });
  const newest = messages.last();
  await newest.waitFor({ timeout: STEP_TIMEOUT_MS });
  return newest;
}

async function networkNames(): Promise<string[]> {
  const out = await virsh(stack.sandbox!, ['net-list', '--all', '--name']);
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

describe('the local console, in chromium, against the demo stack', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), 'vnetops-console-test-'));
    profileDir = mkdtempSync(join(tmpdir(), 'vnetops-chromium-'));
    // Only what a newcomer's shell would have: no Slack token, no libvirt URI, so the sandbox and the console.
    stack = await startDemoStack({
      workDir,
      run: 'sources',
      sandboxName: 'cns1',
      consolePort: 0,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${stack.consoleUrl!}/?user=${FAKE_IDS.requester}&channel=${FAKE_IDS.ops}`);
    await page.waitForSelector('body[data-ready=true]');
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    const problems = stack ? await stack.stop() : [];
    rmSync(profileDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
    expect(problems).toEqual([]);
  }, 120_000);

  afterEach(async ({ task }) => {
    // What the page showed when a step timed out: the quickest way to see why.
    if (task.result?.state === 'fail' && page)
      await screenshot(`failed-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`);
  });

  it('renders the workspace: people with their roles, the three channels, the composer', async () => {
    const people = await page.locator('#user-switcher option').allTextContents();
    expect(people).toContain('Rita Requester — operator');
    expect(people).toContain('Alex Approver — approver');
    expect(people).toContain('Vic Viewer — viewer');
    expect(await page.locator('#channels button').allTextContents()).toEqual(['# ops', '# approvals', '# net-alerts']);
    await type('/vnet help');
    const help = await messageWith('Only visible to you', '/vnet create');
    expect(await help.locator('pre, code').count()).toBeGreaterThan(0);
    await screenshot('help');
  });

  it('what people type is shown as typed, escaped as Slack escapes it: no markup, no links, no mentions', async () => {
    await type(
      '<img src=x onerror="window.__xss=1"> *bold* <https://evil.example|https://good.example> <@UAPPROVER|Alex> &lt;b&gt;',
    );
    const message = await messageWith('bold', 'evil.example');
    expect(await message.locator('img, a, .mention').count()).toBe(0);
    expect(await message.locator('strong').textContent()).toBe('bold');
    expect(await message.textContent()).toContain('<img src=x onerror="window.__xss=1">');
    expect(await message.textContent()).toContain('&lt;b&gt;');
    expect(await page.evaluate('window.__xss')).toBeUndefined();
  });

  it("a bot message's mrkdwn and blocks never become markup, and only web links navigate", async () => {
    // Hostile content in every place the bot can put text, straight into the workspace as a bot post.
    const hostile = '<img src=x onerror="window.__xss=1">';
    const escaped = hostile.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    stack.fake!.store.postMessage(
      FAKE_IDS.ops,
      {
        text: 'hostile',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: hostile } },
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: `*${escaped}* <javascript:window.__xss=1|click me> <https://example.com/ok|a web link>`,
            },
            fields: [{ type: 'mrkdwn', text: escaped }],
          },
          { type: 'context', elements: [{ type: 'mrkdwn', text: '```' + escaped + '```' }] },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'x',
                text: { type: 'plain_text', text: 'Open' },
                url: 'javascript:window.__xss=1',
              },
            ],
          },
        ],
      },
      stack.fake!.store.state.directory.bot.userId,
    );
    const message = await messageWith('click me', 'a web link');
    expect(await message.locator('img').count()).toBe(0);
    const links = message.locator('a');
    expect(await links.count()).toBe(1);
    expect(await links.first().getAttribute('href')).toBe('https://example.com/ok');
    expect(await message.getByRole('button', { name: 'Open' }).isDisabled()).toBe(true);
    expect(await message.locator('h3').textContent()).toBe(hostile);
    expect(await message.locator('pre').textContent()).toBe(hostile);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
  });

  it('a viewer is refused a create, and told which role it needs', async () => {
    await actAs(FAKE_IDS.viewer);
    await type('/vnet create isolated lab1');
    const denied = await messageWith('Only visible to you', 'operator');
    expect(await denied.textContent()).toMatch(/operator/);
    await actAs(FAKE_IDS.requester);
  });

  it('create: requested by Rita, Approve refused to her, approved by Alex, done, with its lifecycle alert', async () => {
    await type('/vnet create isolated lab1');
    await messageWith('/vnet create isolated lab1', /waiting for approval/i);
    await screenshot('create-requested');

    // An operator cannot approve, even with the button in front of them.
    await openChannel('approvals');
    const request = await messageWith('Approval needed', 'lab1');
    await clickAndConfirm(request, 'Approve');
    await messageWith('Only visible to you', /approver/);

    await actAs(FAKE_IDS.approver);
    await openChannel('approvals');
    await screenshot('approval-request');
    await clickAndConfirm(await messageWith('Approval needed', 'lab1'), 'Approve');
    await messageWith('Approved', 'lab1');

    await openChannel('ops');
    await messageWith('/vnet create isolated lab1', 'Done');
    await screenshot('create-done');
    expect(await networkNames()).toContain('lab1');

    await openChannel('net-alerts');
    await messageWith('lab1', /started|defined/);
    await screenshot('lifecycle-alert');
  });

  it('the create modal: a bad name is answered in the field, a good one is sent for approval, and a reject asks for a reason', async () => {
    await actAs(FAKE_IDS.requester);
    await openChannel('ops');
    await type('/vnet create');
    const modal = page.getByRole('dialog');
    await modal.getByText('Create a network').waitFor({ timeout: STEP_TIMEOUT_MS });
    await modal.locator('[data-block-id="name"] input').fill('Bad Name!');
    await modal.getByRole('button', { name: 'Request' }).click();
    await modal.locator('.bk-error').first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await screenshot('create-modal-error');
    await modal.locator('[data-block-id="name"] input').fill('lab2');
    await modal.getByRole('button', { name: 'Request' }).click();
    await modal.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    await messageWith('lab2', /waiting for approval/i);

    await actAs(FAKE_IDS.approver);
    await openChannel('approvals');
    await (await messageWith('Approval needed', 'lab2')).getByRole('button', { name: 'Reject' }).click();
    await modal.getByText('Reject request').waitFor({ timeout: STEP_TIMEOUT_MS });
    await modal.getByRole('textbox').fill('use the lab pool on kvm2');
    await modal.getByRole('button', { name: 'Reject' }).click();
    await modal.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    await openChannel('ops');
    await messageWith('lab2', /rejected/i, 'use the lab pool on kvm2');
    expect(await networkNames()).not.toContain('lab2');
  });

  it('list shows lab1, and bridges shows its bridge', async () => {
    await openChannel('ops');
    await type('/vnet list');
    const list = await messageWith('/vnet list', 'Networks on');
    expect(await list.locator('pre').textContent()).toMatch(/lab1\s+active\s+\S+\s+isolated/);
    const bridgeName = (await virsh(stack.sandbox!, ['net-info', 'lab1'])).match(/^Bridge:\s+(\S+)/m)?.[1];
    expect(bridgeName).toMatch(/^[a-z0-9-]+$/);
    await type('/vnet bridges');
    // A quick read is answered once, with its result.
    await messageWith('/vnet bridges', bridgeName!);
    await screenshot('list-and-bridges');
  });

  it('delete: requested, approved by Alex, done, lab1 gone from libvirt, its alerts in the thread', async () => {
    await actAs(FAKE_IDS.requester);
    await type('/vnet delete lab1');
    await messageWith('/vnet delete lab1', /waiting for approval/i);

    await actAs(FAKE_IDS.approver);
    await openChannel('approvals');
    await clickAndConfirm(await messageWith('Approval needed', 'delete'), 'Approve');

    await openChannel('ops');
    await messageWith('/vnet delete lab1', 'Done');
    expect(await networkNames()).not.toContain('lab1');

    await openChannel('net-alerts');
    const parent = await messageWith('lab1', /deleted \(undefined\)/);
    await parent.locator('.thread-link').click();
    await page
      .locator('#thread-messages article', { hasText: /deleted \(undefined\)/ })
      .first()
      .waitFor({ timeout: STEP_TIMEOUT_MS });
    await screenshot('delete-alerts-thread');
  });
});
