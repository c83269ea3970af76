import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../../tools/free-port.js';

const run = promisify(execFile);
/** OpenSSH's privilege separation folder, compiled into Debian's sshd; the ssh service would make it. */
const PRIVSEP_DIR = '/run/sshd';

/** A throwaway OpenSSH server on 127.0.0.1 and the client files that reach it. */
export interface TestSshServer {
  port: number;
  /** A client key sshd accepts (authorized_keys), for `?keyfile=`. */
  keyFile: string;
  /** A client key sshd does not accept. */
  strangerKeyFile: string;
  /** A known_hosts file holding this server's host key, for `?known_hosts=`. */
  knownHostsFile: string;
  /** A known_hosts file without it. */
  emptyKnownHostsFile: string;
  /** Stops sshd (by its pid) and removes its files. */
  stop(): Promise<void>;
}

/**
 * Starts the machine's real sshd (`/usr/sbin/sshd -D -e`) with a config, host key and authorized_keys
 * of its own in a temporary folder, listening only on 127.0.0.1 at a free port; public-key login only,
 * for root (the user the tests run as). Resolves once sshd says it listens.
 */
export async function startTestSshServer(): Promise<TestSshServer> {
  const dir = mkdtempSync(join(tmpdir(), 'vnetops-sshd-'));
  const path = (name: string): string => join(dir, name);
  const madePrivsepDir = !existsSync(PRIVSEP_DIR);
  if (madePrivsepDir) mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child!.once('exit', done));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    if (madePrivsepDir) rmSync(PRIVSEP_DIR, { recursive: true, force: true });
  };
  try {
    for (const key of ['host_key', 'client_key', 'stranger_key']) {
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `vnetops-test-${key}`, '-f', path(key)]);
    }
    writeFileSync(path('authorized_keys'), readFileSync(path('client_key.pub')));
    const port = await freePort();
    const hostKey = readFileSync(path('host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
    writeFileSync(path('known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
    writeFileSync(path('empty_known_hosts'), '');
    writeFileSync(
      path('sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${path('host_key')}`,
        `AuthorizedKeysFile ${path('authorized_keys')}`,
        `PidFile ${path('sshd.pid')}`,
        'AuthenticationMethods publickey',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        // The temporary folder is not root-only the way ~/.ssh is.
        'StrictModes no',
        'PrintMotd no',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    // sshd re-executes itself, so it must be started by its absolute path.
    child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path('sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    const started = child;
    let log = '';
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`sshd did not listen within 10 s:\n${log}`)), 10_000);
      started.stderr?.setEncoding('utf8').on('data', (text: string) => {
        log = (log + text).slice(-20_000);
        if (/Server listening on 127\.0\.0\.1 port/.test(log)) {
          clearTimeout(timer);
          ready();
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`sshd exited (${code}):\n${log}`));
      });
    });
    return {
      port,
      keyFile: path('client_key'),
      strangerKeyFile: path('stranger_key'),
      knownHostsFile: path('known_hosts'),
      emptyKnownHostsFile: path('empty_known_hosts'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
