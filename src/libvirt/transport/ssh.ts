import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { Duplex, type Readable, type Writable } from 'node:stream';
import { LibvirtConnectionError } from '../errors.js';
import { LibvirtUriError, type LibvirtUri } from '../uri.js';

/** How the far side is reached once ssh is in: libvirt's `proxy=` parameter. */
export type SshProxyMode = 'auto' | 'native' | 'netcat';

/** The program and argument vector for an ssh transport; built without any shell on our side. */
export interface SshCommand {
  file: string;
  args: string[];
}

// Everything that ends up inside the remote shell command must match this: no quotes, spaces or
// shell metacharacters, so single-quoting it is enough and nothing can break out.
const REMOTE_SAFE = /^[A-Za-z0-9_./:+=?&%@,-]+$/;
const HOST_SAFE = /^[A-Za-z0-9_.:%-]+$/;
const USER_SAFE = /^[A-Za-z0-9_.-]+$/;

/**
 * Builds the ssh command line for a `+ssh` URI, as libvirt does: `ssh [-p port] [-l user] -T -e none
 * [-i keyfile] [-o BatchMode=yes] -- host <remote command>`, where the remote command runs
 * `virt-ssh-helper URI` (native), `nc -U SOCKET` (netcat), or tries the first then the second (auto).
 */
export function buildSshCommand(uri: LibvirtUri): SshCommand {
  const host = uri.host;
  if (!host || !HOST_SAFE.test(host) || host.startsWith('-'))
    throw new LibvirtUriError(`ssh host ${JSON.stringify(host)} is not a valid host name`);
  if (uri.user !== undefined && !USER_SAFE.test(uri.user))
    throw new LibvirtUriError(`ssh user ${JSON.stringify(uri.user)} is not a valid user name`);
  const mode = (uri.params.proxy ?? (uri.params.netcat ? 'netcat' : 'auto')) as SshProxyMode;
  if (!['auto', 'native', 'netcat'].includes(mode))
    throw new LibvirtUriError(`proxy=${String(mode)} must be auto, native or netcat`);
  const netcat = uri.params.netcat ?? 'nc';
  for (const [what, value] of [
    ['URI', uri.openName],
    ['socket', uri.socketPath],
    ['netcat', netcat],
  ] as const) {
    if (!REMOTE_SAFE.test(value))
      throw new LibvirtUriError(
        `the ${what} ${JSON.stringify(value)} holds characters that cannot be passed safely over ssh`,
      );
  }

  const args: string[] = [];
  if (uri.port !== undefined) args.push('-p', String(uri.port));
  if (uri.user !== undefined) args.push('-l', uri.user);
  args.push('-T', '-e', 'none');
  if (uri.params.keyfile) args.push('-i', uri.params.keyfile);
  if (uri.params.no_tty === '1') args.push('-o', 'BatchMode=yes');
  if (uri.params.known_hosts) args.push('-o', `UserKnownHostsFile=${uri.params.known_hosts}`);
  const native = `virt-ssh-helper '${uri.openName}'`;
  const viaNetcat = `'${netcat}' -U '${uri.socketPath}'`;
  const remote =
    mode === 'native'
      ? native
      : mode === 'netcat'
        ? viaNetcat
        : `sh -c 'if command -v virt-ssh-helper >/dev/null 2>&1; then exec virt-ssh-helper "$0"; else exec ${netcat} -U "$1"; fi' '${uri.openName}' '${uri.socketPath}'`;
  args.push('--', host, remote);
  return { file: uri.params.command ?? 'ssh', args };
}

/** After ssh has exited and its stdout has ended, how long to wait for the rest of its stderr. */
const STDERR_GRACE_MS = 200;

/**
 * Spawns ssh and presents its stdin/stdout as one byte stream; rejects with a
 * {@link LibvirtConnectionError} when the program cannot be started. The stream ends once ssh has
 * exited: cleanly when it exits 0, otherwise with an error carrying ssh's own last words on stderr
 * ("Permission denied (publickey)", "Host key verification failed", the far side's "nc: not
 * found"), which an end of stdout alone would lose. It does not wait for stderr to close: an ssh
 * master kept alive by `ControlPersist` holds it open after ssh itself has gone.
 */
export async function connectSsh(uri: LibvirtUri): Promise<Duplex> {
  const command = buildSshCommand(uri);
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(command.file, command.args, {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  await new Promise<void>((started, failed) => {
    child.once('spawn', started);
    child.once('error', (error) =>
      failed(
        new LibvirtConnectionError('connect-failed', `could not start ${command.file}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
  });

  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  const releasePipes = (): void => {
    for (const pipe of [child.stdin, child.stdout, child.stderr]) pipe.destroy();
  };
  const stream = new Duplex({
    read: () => child.stdout.resume(),
    write: (chunk: Buffer, _encoding, done) => {
      // ssh gone means its stdin is closed; the exit reports why, so a failed write says nothing more.
      if (child.stdin.destroyed) done();
      else child.stdin.write(chunk, () => done());
    },
    final: (done) => child.stdin.end(() => done()),
    destroy: (error, done) => {
      clearTimeout(grace);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      releasePipes();
      done(error);
    },
  });
  child.on('error', (error) => stream.destroy(error)); // e.g. the kill failing
  child.stdin.on('error', () => {}); // EPIPE once ssh has exited; its exit says why
  child.stdout.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) child.stdout.pause();
  });

  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let stdoutEnded = false;
  let stderrEnded = false;
  let grace: NodeJS.Timeout | undefined;
  const finish = (): void => {
    if (!exit || stream.destroyed) return;
    clearTimeout(grace);
    const { code, signal } = exit;
    const why = stderr.trim();
    if (code === 0) {
      stream.push(null);
      releasePipes();
    } else {
      stream.destroy(new Error(`ssh exited (${signal ?? `code ${code}`})${why ? `: ${why}` : ''}`));
    }
  };
  // Ends once ssh has exited and all it wrote on stdout is through, with stderr's last words if they
  // come within the grace time (they usually come first).
  const settle = (): void => {
    if (!exit) return;
    if (stdoutEnded && stderrEnded) finish();
    else grace ??= setTimeout(finish, STDERR_GRACE_MS);
  };
  child.stdout.once('end', () => {
    stdoutEnded = true;
    settle();
  });
  child.stderr.once('end', () => {
    stderrEnded = true;
    settle();
  });
  child.once('exit', (code, signal) => {
    exit = { code, signal };
    settle();
  });
  return stream;
}
