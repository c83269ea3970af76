/**
 * Every builder, in the states people see, rendered to Block Kit and pinned by a golden file
 * (test/fixtures/golden/notify). Each rendering must also pass the Block Kit shape check.
 */
import { describe, expect, it } from 'vitest';
import {
  type ApprovalView,
  type Message,
  ackMessage,
  approvalOutcomeNotice,
  approvalRequestMessage,
  auditMessage,
  createNetworkModal,
  deniedMessage,
  describeCommand,
  errorMessage,
  fleetListMessage,
  helpMessage,
  hostsMessage,
  jobAnswerMessage,
  jobMessage,
  rejectReasonModal,
  renderBlockKit,
  usageErrorMessage,
} from '../../../src/notify/index.js';
import { helpText, parseCommand } from '../../../src/commands/index.js';
import type { JobName } from '../../../src/contract/index.js';
import { expectGolden } from './golden-file.js';
import { NETWORKS, NOW, PLAN, RESULTS, jobView, network } from './notify-fixtures.js';
import { messageProblems, viewProblems } from './slack-block-shapes.js';

function pin(name: string, message: Message): void {
  const rendered = renderBlockKit(message);
  expect(messageProblems(rendered)).toEqual([]);
  expectGolden(name, rendered);
}

const APPROVAL: ApprovalView = {
  approvalId: 'ap-91c2',
  jobName: 'create',
  commandText: '/vnet create isolated lab1 --reason "CI lab"',
  hostId: 'kvm1',
  requestedBy: 'U123ABC',
  reason: 'CI lab for the storage team',
  preflight: PLAN,
  overlapCheck: '10.0.5.0/24 overlaps no network, address or route on host kvm1 (chosen from the pool)',
  state: 'pending',
  expiresAt: NOW + 24 * 3_600_000,
  jobId: 'j-7f3a',
};

describe('job message golden files', () => {
  it('queued', () => pin('job-queued', jobMessage(jobView())));
  it('queued with a preflight step', () =>
    pin(
      'job-queued-preflight',
      jobMessage(
        jobView({
          progress: {
            step: 'preflight',
            message: 'checking the request on the host before asking for approval',
            at: NOW,
          },
        }),
      ),
    ));
  it('awaiting approval', () =>
    pin(
      'job-awaiting-approval',
      jobMessage(
        jobView({
          state: 'awaiting-approval',
          approval: { approvalId: 'ap-91c2', expiresAt: NOW + 86_400_000, channelId: 'C0APPROVE' },
        }),
      ),
    ));
  it('running', () =>
    pin(
      'job-running',
      jobMessage(jobView({ state: 'running', progress: { step: 'define', message: 'defining the network', at: NOW } })),
    ));
  it('failed at a step', () =>
    pin(
      'job-failed',
      jobMessage(
        jobView({
          state: 'failed',
          failure: {
            code: 'libvirt-error',
            step: 'define',
            message: "operation failed: network 'lab1' already exists with uuid 1234",
          },
        }),
      ),
    ));
  it('rejected', () =>
    pin(
      'job-rejected',
      jobMessage(
        jobView({
          state: 'rejected',
          approval: {
            approvalId: 'ap-91c2',
            approverId: 'U999ZZZ',
            reason: 'use the shared lab network',
            expiresAt: NOW + 86_400_000,
          },
        }),
      ),
    ));
  it('expired', () =>
    pin(
      'job-expired',
      jobMessage(
        jobView({ state: 'expired', approval: { approvalId: 'ap-91c2', expiresAt: NOW, channelId: 'C0APPROVE' } }),
      ),
    ));

  const commands: Record<JobName, string> = {
    list: '/vnet list --all',
    info: '/vnet info lab1 --xml',
    plan: '/vnet create isolated lab1',
    create: '/vnet create isolated lab1',
    delete: '/vnet delete lab1',
    start: '/vnet start lab1',
    stop: '/vnet stop lab1',
    autostart: '/vnet autostart lab1 on',
    leases: '/vnet leases lab1',
    bridges: '/vnet bridges',
    update: '/vnet update lab1 dhcp-range 10.0.5.50-10.0.5.99',
    'host-info': '/vnet hosts',
  };
  for (const name of Object.keys(commands) as JobName[]) {
    it(`done: ${name}`, () =>
      pin(
        `job-done-${name}`,
        jobMessage(
          jobView({
            state: 'done',
            commandText: commands[name],
            outcome: { name, result: RESULTS[name] },
            approval: name === 'create' ? { approvalId: 'ap-91c2', approverId: 'U999ZZZ', expiresAt: NOW } : undefined,
          }),
        ),
      ));
  }
  it('done: create found already done by a retry', () =>
    pin(
      'job-done-create-already',
      jobMessage(
        jobView({ state: 'done', outcome: { name: 'create', result: { ...RESULTS.create, alreadyDone: true } } }),
      ),
    ));
  it('done: an empty list', () =>
    pin(
      'job-done-list-empty',
      jobMessage(
        jobView({
          state: 'done',
          commandText: '/vnet list',
          outcome: { name: 'list', result: { hostId: 'kvm1', networks: [] } },
        }),
      ),
    ));
  it('done: info with long XML attached as a file', () => {
    const xml = [
      '<network>',
      ...Array.from(
        { length: 120 },
        (_, i) => `  <host mac='52:54:00:00:00:${(i % 256).toString(16).padStart(2, '0')}' ip='10.0.5.${i + 10}'/>`,
      ),
      '</network>',
    ].join('\n');
    pin(
      'job-done-info-long-xml',
      jobMessage(
        jobView({
          state: 'done',
          commandText: '/vnet info lab1 --xml',
          xmlAttached: true,
          outcome: { name: 'info', result: { ...RESULTS.info, xml, bridge: undefined } },
        }),
      ),
    );
  });
  it('done: a long list (500 networks)', () => {
    const networks = Array.from({ length: 500 }, (_, i) =>
      network(`net${String(i).padStart(3, '0')}`, {
        bridge: `vnbr${i}`,
        subnets: [`10.${Math.floor(i / 256)}.${i % 256}.0/24`],
      }),
    );
    pin(
      'job-done-list-long',
      jobMessage(
        jobView({
          state: 'done',
          commandText: '/vnet list',
          outcome: { name: 'list', result: { hostId: 'kvm1', networks } },
        }),
      ),
    );
  });
  it.each(['info', 'leases', 'bridges'] as const)('a quick read answered once: %s', (name) =>
    pin(
      `job-answer-${name}`,
      jobAnswerMessage(
        jobView({ state: 'done', commandText: `/vnet ${name} lab1`, outcome: { name, result: RESULTS[name] } }),
      ),
    ),
  );
  it('text needing escaping', () =>
    pin(
      'job-escaping',
      jobMessage(
        jobView({
          commandText: '/vnet info <script>&lab',
          requestedBy: 'console:<b>mallory</b>',
          state: 'failed',
          failure: { code: 'not-found', message: 'no network <@U0ADMIN> & <!channel> ```x``` here' },
        }),
      ),
    ));
});

describe('other message golden files', () => {
  it('fleet list with a failed host', () =>
    pin(
      'fleet-list',
      fleetListMessage(
        [
          { hostId: 'kvm1', networks: NETWORKS },
          { hostId: 'kvm2', networks: [network('ci', { bridge: 'vnbr0', subnets: ['10.9.0.0/24'] })] },
          { hostId: 'kvm3', failure: { code: 'host-down', message: 'down: no heartbeat for 42 s' } },
        ],
        '/vnet list --all',
        'U123ABC',
        'j0123456789ab',
      ),
    ));
  it('approval request pending with preflight', () => pin('approval-pending', approvalRequestMessage(APPROVAL)));
  it('approval request pending without preflight', () =>
    pin(
      'approval-pending-delete',
      approvalRequestMessage({
        ...APPROVAL,
        jobName: 'delete',
        commandText: '/vnet delete lab1',
        preflight: undefined,
        overlapCheck: undefined,
        reason: undefined,
      }),
    ));
  it('approval approved', () =>
    pin('approval-approved', approvalRequestMessage({ ...APPROVAL, state: 'approved', decidedBy: 'U999ZZZ' })));
  it('approval rejected', () =>
    pin(
      'approval-rejected',
      approvalRequestMessage({
        ...APPROVAL,
        state: 'rejected',
        decidedBy: 'U999ZZZ',
        rejectReason: 'use <shared> & save',
      }),
    ));
  it('approval expired', () => pin('approval-expired', approvalRequestMessage({ ...APPROVAL, state: 'expired' })));
  it('approval outcome notices', () => {
    for (const state of ['pending', 'approved', 'rejected', 'expired'] as const) {
      pin(
        `approval-notice-${state}`,
        approvalOutcomeNotice({ ...APPROVAL, state, decidedBy: 'U999ZZZ', rejectReason: 'not on kvm1' }),
      );
    }
  });
  it('ack', () => {
    const parsed = parseCommand('create isolated lab1 --subnet 10.0.5.0/24 --no-dhcp --host kvm1');
    if (!parsed.ok) throw new Error(parsed.error.message);
    pin(
      'ack',
      ackMessage(
        `Understood: ${describeCommand(parsed.command)}.`,
        'Job j-7f3a needs approval; the request goes to <#C0APPROVE>.',
      ),
    );
  });
  it('usage error', () => {
    const parsed = parseCommand('create isolated lab1 --subent 10.0.5.0/24');
    if (parsed.ok) throw new Error('expected a usage error');
    pin('usage-error', usageErrorMessage(parsed.error));
  });
  it('help overview', () => pin('help', helpMessage(helpText())));
  it('help for create', () => pin('help-create', helpMessage(helpText('create'))));
  it('denied', () =>
    pin(
      'denied',
      deniedMessage({ command: '/vnet create', requiredRole: 'operator', userRoles: ['viewer'], channelLimited: true }),
    ));
  it('error', () => pin('error', errorMessage('There is no host "kvm9"; known hosts: kvm1, kvm2.')));
  it('hosts', () =>
    pin(
      'hosts',
      hostsMessage(
        [
          {
            hostId: 'kvm1',
            hostname: 'kvm1.lab',
            libvirtVersion: '10.0.0',
            networks: 3,
            libvirtConnected: true,
            lastHeartbeat: NOW - 4000,
            startedAt: NOW - 86_400_000,
            workerVersion: '0.1.0',
            up: true,
            silentForMs: 4000,
          },
          {
            hostId: 'kvm2',
            hostname: 'kvm2.lab',
            libvirtVersion: '9.0.0',
            networks: 1,
            libvirtConnected: false,
            lastHeartbeat: NOW - 600_000,
            startedAt: NOW - 86_400_000,
            workerVersion: '0.1.0',
            up: false,
            silentForMs: 600_000,
          },
        ],
        NOW,
      ),
    ));
  it('audit', () =>
    pin(
      'audit',
      auditMessage([
        {
          id: '1714564800000-0',
          at: NOW,
          actor: 'U123ABC',
          action: 'result',
          command: '/vnet create isolated lab1',
          hostId: 'kvm1',
          network: 'lab1',
          jobId: 'j-7f3a',
          uuid: 'x',
          outcome: 'done',
        },
        {
          id: '1714564700000-0',
          at: NOW - 100_000,
          actor: 'U999ZZZ',
          action: 'approved',
          command: '/vnet create isolated lab1',
          hostId: 'kvm1',
          jobId: 'j-7f3a',
          outcome: 'approved',
        },
      ]),
    ));
});

describe('modal golden files', () => {
  it('create dialog', () => {
    const view = createNetworkModal({
      hosts: ['kvm1', 'kvm2'],
      defaultHost: 'kvm2',
      suggestedSubnet: '10.0.7.0/24',
      channelId: 'C0CHAN',
    });
    expect(viewProblems(view)).toEqual([]);
    expectGolden('modal-create', view);
  });
  it('reject reason', () => {
    const view = rejectReasonModal('ap-91c2');
    expect(viewProblems(view)).toEqual([]);
    expectGolden('modal-reject-reason', view);
  });
});
