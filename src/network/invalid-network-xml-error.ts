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
