import { describe, expect, it } from 'vitest';
import { buildSshCommand } from '../../../src/libvirt/transport/ssh.js';
import { LibvirtUriError, parseLibvirtUri } from '../../../src/libvirt/uri.js';

describe('libvirt URIs', () => {
  it('qemu:///system is the local system socket, opened as is', () => {
    const uri = parseLibvirtUri('qemu:///system');
    expect(uri).toMatchObject({
      driver: 'qemu',
      transport: 'unix',
      host: undefined,
      socketPath: '/run/libvirt/libvirt-sock',
      openName: 'qemu:///system',
    });
  });

  it('socket= picks the socket and is not forwarded to the daemon', () => {
    const uri = parseLibvirtUri('qemu:///system?socket=/srv/h1/run/libvirt-sock');
    expect(uri.socketPath).toBe('/srv/h1/run/libvirt-sock');
    expect(uri.openName).toBe('qemu:///system');
  });

  it('test:///default opens the test driver through the daemon', () => {
    expect(parseLibvirtUri('test:///default')).toMatchObject({
      driver: 'test',
      transport: 'unix',
      openName: 'test:///default',
    });
  });

  it('qemu+tls carries host and port; the transport is stripped from the name sent to the daemon', () => {
    const uri = parseLibvirtUri('qemu+tls://kvm1.example:16600/system?pkipath=/etc/vnetops/pki&no_verify=1');
    expect(uri).toMatchObject({ transport: 'tls', host: 'kvm1.example', port: 16600, openName: 'qemu:///system' });
    expect(uri.params.pkipath).toBe('/etc/vnetops/pki');
  });

  it('a host without a transport means TLS, as in libvirt', () => {
    expect(parseLibvirtUri('qemu://kvm2/system').transport).toBe('tls');
  });

  it('qemu+ssh keeps the user', () => {
    expect(parseLibvirtUri('qemu+ssh://ops@kvm3:2222/system')).toMatchObject({
      transport: 'ssh',
      user: 'ops',
      host: 'kvm3',
      port: 2222,
    });
  });

  it('refuses what it cannot use, saying why', () => {
    expect(() => parseLibvirtUri('/var/run/libvirt')).toThrow(/not a libvirt URI/);
    expect(() => parseLibvirtUri('qemu+gopher://h/system')).toThrow(/unsupported transport "\+gopher"/);
    expect(() => parseLibvirtUri('qemu+tls:///system')).toThrow(/needs a host name for the tls transport/);
    expect(() => parseLibvirtUri('qemu:///system?socket=relative/sock')).toThrow(/must be an absolute path/);
  });
});

describe('ssh transport command line', () => {
  it('runs virt-ssh-helper, falling back to netcat, with options before "--"', () => {
    const command = buildSshCommand(parseLibvirtUri('qemu+ssh://ops@kvm3:2222/system?keyfile=/k/id&no_tty=1'));
    expect(command.file).toBe('ssh');
    expect(command.args).toEqual([
      '-p',
      '2222',
      '-l',
      'ops',
      '-T',
      '-e',
      'none',
      '-i',
      '/k/id',
      '-o',
      'BatchMode=yes',
      '--',
      'kvm3',
      `sh -c 'if command -v virt-ssh-helper >/dev/null 2>&1; then exec virt-ssh-helper "$0"; else exec nc -U "$1"; fi' 'qemu:///system' '/run/libvirt/libvirt-sock'`,
    ]);
  });

  it('proxy=native and proxy=netcat pick one way', () => {
    expect(buildSshCommand(parseLibvirtUri('qemu+ssh://kvm/system?proxy=native')).args.at(-1)).toBe(
      `virt-ssh-helper 'qemu:///system'`,
    );
    expect(buildSshCommand(parseLibvirtUri('qemu+ssh://kvm/system?proxy=netcat&socket=/run/x.sock')).args.at(-1)).toBe(
      `'nc' -U '/run/x.sock'`,
    );
  });

  it('refuses anything that could break out of the remote command', () => {
    expect(() => buildSshCommand(parseLibvirtUri("qemu+ssh://kvm/system?socket=/tmp/a';reboot;'"))).toThrow(
      /cannot be passed safely over ssh/,
    );
    expect(() => buildSshCommand(parseLibvirtUri('qemu+ssh://kvm/system?proxy=telnet'))).toThrow(LibvirtUriError);
    expect(() => buildSshCommand(parseLibvirtUri('qemu+ssh://kvm/system?netcat=nc%20-e%20sh'))).toThrow(
      /cannot be passed safely/,
    );
  });
});
