import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findNetworkDnsmasqs } from '../../../../workers/monitor/dnsmasq-check.js';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A fake /proc: `self` and processes with comm, cmdline, stat and a network namespace link. */
function fakeProc(processes: { pid: number; ppid: number; comm: string; args: string[]; netns: string }[]): string {
  root = mkdtempSync(join(tmpdir(), 'vnetops-proc-'));
  mkdirSync(join(root, 'self', 'ns'), { recursive: true });
  symlinkSync('net:[4026531840]', join(root, 'self', 'ns', 'net'));
  for (const p of processes) {
    const dir = join(root, String(p.pid));
    mkdirSync(join(dir, 'ns'), { recursive: true });
    writeFileSync(join(dir, 'comm'), `${p.comm}\n`);
    writeFileSync(join(dir, 'cmdline'), `${p.args.join('\0')}\0`);
    writeFileSync(join(dir, 'stat'), `${p.pid} (${p.comm}) S ${p.ppid} 1 1 0 -1`);
    symlinkSync(p.netns, join(dir, 'ns', 'net'));
  }
  return root;
}

const args = (network: string): string[] => [
  '/usr/sbin/dnsmasq',
  `--conf-file=/var/lib/libvirt/dnsmasq/${network}.conf`,
  '--leasefile-ro',
];

describe('findNetworkDnsmasqs', () => {
  it("finds libvirt's dnsmasq per network in this namespace, the main process not its helper", async () => {
    const proc = fakeProc([
      { pid: 100, ppid: 1, comm: 'dnsmasq', args: args('lab1'), netns: 'net:[4026531840]' },
      { pid: 101, ppid: 100, comm: 'dnsmasq', args: args('lab1'), netns: 'net:[4026531840]' },
      { pid: 200, ppid: 1, comm: 'dnsmasq', args: args('lab2'), netns: 'net:[4026532999]' },
      { pid: 300, ppid: 1, comm: 'dnsmasq', args: ['/usr/sbin/dnsmasq', '--no-daemon'], netns: 'net:[4026531840]' },
      { pid: 400, ppid: 1, comm: 'sshd', args: ['sshd', '--conf-file=/x/lab3.conf'], netns: 'net:[4026531840]' },
    ]);
    expect(await findNetworkDnsmasqs({ procRoot: proc })).toEqual(new Map([['lab1', 100]]));
  });

  it('skips a process that is half gone', async () => {
    const proc = fakeProc([{ pid: 100, ppid: 1, comm: 'dnsmasq', args: args('lab1'), netns: 'net:[4026531840]' }]);
    mkdirSync(join(proc, '555'));
    // Gone after its comm was read: no ns, cmdline or stat left.
    mkdirSync(join(proc, '556'));
    writeFileSync(join(proc, '556', 'comm'), 'dnsmasq\n');
    expect(await findNetworkDnsmasqs({ procRoot: proc })).toEqual(new Map([['lab1', 100]]));
  });

  it('skips a dnsmasq whose namespace cannot be read', async () => {
    const proc = fakeProc([
      { pid: 100, ppid: 1, comm: 'dnsmasq', args: args('lab1'), netns: 'net:[4026531840]' },
      { pid: 200, ppid: 1, comm: 'dnsmasq', args: args('lab2'), netns: 'net:[4026531840]' },
    ]);
    rmSync(join(proc, '200', 'ns', 'net'));
    expect(await findNetworkDnsmasqs({ procRoot: proc })).toEqual(new Map([['lab1', 100]]));
  });

  it("takes only conf files in libvirt's dnsmasq folder for networks", async () => {
    const proc = fakeProc([
      {
        pid: 100,
        ppid: 1,
        comm: 'dnsmasq',
        args: ['/usr/sbin/dnsmasq', '--conf-file=/etc/dnsmasq.d/lab1.conf'],
        netns: 'net:[4026531840]',
      },
      {
        pid: 200,
        ppid: 1,
        comm: 'dnsmasq',
        args: ['/usr/sbin/dnsmasq', '--conf-file=/run/sandbox/lib/dnsmasq/lab2.conf'],
        netns: 'net:[4026531840]',
      },
      {
        pid: 300,
        ppid: 1,
        comm: 'dnsmasq',
        args: ['/usr/sbin/dnsmasq', '--conf-file=/var/lib/libvirt/dnsmasq/lab3.hostsfile'],
        netns: 'net:[4026531840]',
      },
    ]);
    expect(await findNetworkDnsmasqs({ procRoot: proc })).toEqual(new Map([['lab2', 200]]));
  });

  it('finds nothing in a proc with no dnsmasq', async () => {
    const proc = fakeProc([{ pid: 1, ppid: 0, comm: 'init', args: ['/sbin/init'], netns: 'net:[4026531840]' }]);
    expect(await findNetworkDnsmasqs({ procRoot: proc })).toEqual(new Map());
  });
});
