/** Errors of libvirt network XML: text that is no network's XML, and networks vnetops does not model. */

/**
 * Thrown when text given as a libvirt network's XML is not one: not well-formed, not a `<network>`,
 * or missing what libvirt always writes (name, uuid). Points at a bug or a wrong document, not at the
 * user's network, so the message is for logs more than for Slack.
 */
export class InvalidNetworkXmlError extends Error {
  override readonly name = 'InvalidNetworkXmlError';

  constructor(reason: string, options?: ErrorOptions) {
    super(`invalid libvirt network XML: ${reason}`, options);
  }
}

/**
 * Thrown when a libvirt network is valid but uses things vnetops does not model (a network made by
 * hand or by another tool), so it cannot be read as a `NetworkSpec`. Safe to show the user: it
 * names the network and every feature in the way. Its subnets and bridge can still be read with
 * `readNetworkAddresses` and `readNetworkBridge`.
 */
export class UnsupportedNetworkXmlError extends Error {
  override readonly name = 'UnsupportedNetworkXmlError';
  /** The libvirt name of the network. */
  readonly network: string;
  /** What is not supported, one item each, e.g. `forward mode "hostdev"`, `DNS settings (<dns>)`. */
  readonly unsupported: readonly string[];

  constructor(network: string, unsupported: readonly string[]) {
    super(
      `network ${JSON.stringify(network)} uses what vnetops does not manage:\n${unsupported.map((item) => `  - ${item}`).join('\n')}\n` +
        'vnetops lists its subnets but will not change it; manage it with virsh, or recreate it through vnetops',
    );
    this.network = network;
    this.unsupported = Object.freeze([...unsupported]);
  }
}
