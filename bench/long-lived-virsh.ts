import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/**
 * One virsh process fed commands on stdin, the way an operator's interactive session works.
 * Each command is followed by `echo <marker>` so we know where its output ends.
 */
export class LongLivedVirsh {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private waiting: { marker: string; resolve: (output: string) => void } | undefined;
  private counter = 0;

  constructor(uri: string) {
    this.child = spawn('virsh', ['-q', '-c', uri], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      const waiting = this.waiting;
      if (!waiting) return;
      const at = this.buffer.indexOf(waiting.marker);
      if (at < 0) return;
      const output = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + waiting.marker.length);
      this.waiting = undefined;
      waiting.resolve(output);
    });
  }

  /** Runs one virsh command line (fixed text, no user input) and resolves with its output. */
  run(command: string): Promise<string> {
    const marker = `__vnetops_end_${++this.counter}__`;
    return new Promise((resolve) => {
      this.waiting = { marker, resolve };
      this.child.stdin.write(`${command}\necho ${marker}\n`);
    });
  }

  /** Ends the virsh process (by its own pid, via the child handle). */
  async close(): Promise<void> {
    this.child.stdin.end('quit\n');
    await new Promise((resolve) => this.child.once('exit', resolve));
  }
}
