/**
 * Prints, as JSON `[[network, pid], …]`, the network dnsmasqs that findNetworkDnsmasqs sees from the
 * network namespace this process runs in (tests start it inside a sandbox host with `ip netns exec`).
 */
import { findNetworkDnsmasqs } from '../../../workers/monitor/dnsmasq-check.js';

process.stdout.write(JSON.stringify([...(await findNetworkDnsmasqs())]));
