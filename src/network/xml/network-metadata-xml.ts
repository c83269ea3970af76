/** Where vnetops keeps its metadata in a libvirt network's XML: one element in our own namespace. */

/** Namespace of vnetops' element inside libvirt's `<metadata>`; libvirt keeps one element per namespace. */
export const VNETOPS_METADATA_NAMESPACE = 'https://vnetops.dev/xmlns/network/1';

/** Prefix vnetops writes; when reading, any prefix bound to the namespace is accepted. */
export const VNETOPS_METADATA_PREFIX = 'vnetops';

/** Local name of the element holding the fields below. */
export const VNETOPS_METADATA_ELEMENT = 'network';

/** The metadata fields, as child elements of the same names. */
export const VNETOPS_METADATA_FIELDS = ['description', 'requestedBy', 'jobId'] as const;
