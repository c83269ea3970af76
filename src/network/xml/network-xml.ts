/**
 * libvirt network XML: render a spec, parse libvirt's XML back into a spec, and read the subnets and
 * bridge of any network. The pieces live in their own modules; this is the one place to import from.
 */
export {
  renderDhcpHostXml,
  renderDhcpRangeXml,
  renderNetworkXml,
  type RenderNetworkXmlOptions,
} from './network-xml-render.js';
export { parseNetworkXml, type ParseNetworkXmlOptions } from './network-xml-parse.js';
export {
  readNetworkAddresses,
  readNetworkBridge,
  readNetworkDhcpRanges,
  readNetworkForward,
  type NetworkAddress,
} from './network-addresses.js';
export { VNETOPS_METADATA_NAMESPACE } from './network-metadata-xml.js';
export { InvalidNetworkXmlError, UnsupportedNetworkXmlError } from './xml-errors.js';
