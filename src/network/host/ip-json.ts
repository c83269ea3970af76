/**
 * The parts of iproute2's JSON output (`ip -j …`, iproute2 6.x) that vnetops reads, as schemas: a
 * format change then fails loudly with the command named, instead of turning into wrong state.
 * Shapes were taken from real captures (test/fixtures/ip-json/); unknown fields are ignored.
 */
import { z } from 'zod';

/** One `addr_info` entry of `ip -j addr show`. */
const IpAddrInfoSchema = z.object({
  family: z.string(),
  local: z.string().optional(),
  prefixlen: z.number().int().optional(),
  scope: z.string().optional(),
});

/** The STP port data of a bridge port (`ip -j -d link`: `linkinfo.info_slave_data`). */
const BridgePortDataSchema = z.object({
  state: z.string().optional(),
});

/** The bridge data of a bridge (`ip -j -d link`: `linkinfo.info_data`). */
const BridgeDataSchema = z.object({
  stp_state: z.number().int().optional(),
});

/** One link of `ip -j [-d] link show` / `ip -j [-d] addr show`. */
export const IpLinkSchema = z.object({
  ifname: z.string(),
  flags: z.array(z.string()).default([]),
  mtu: z.number().int().optional(),
  operstate: z.string().optional(),
  address: z.string().optional(),
  master: z.string().optional(),
  addr_info: z.array(IpAddrInfoSchema).optional(),
  linkinfo: z
    .object({
      info_kind: z.string().optional(),
      info_data: z.unknown().optional(),
      info_slave_kind: z.string().optional(),
      info_slave_data: z.unknown().optional(),
    })
    .optional(),
});

/** A link as parsed. */
export type IpLink = z.infer<typeof IpLinkSchema>;

/** One route of `ip -j route show table all`. */
export const IpRouteSchema = z.object({
  type: z.string().optional(),
  dst: z.string(),
  dev: z.string().optional(),
  gateway: z.string().optional(),
  table: z.string().optional(),
  protocol: z.string().optional(),
  nexthops: z.array(z.object({ dev: z.string().optional(), gateway: z.string().optional() })).optional(),
});

/** A route as parsed. */
export type IpRoute = z.infer<typeof IpRouteSchema>;

/** Parses the JSON array a command printed; `command` names it in the error. */
export function parseIpJson<T extends z.ZodType>(schema: T, text: string, command: string): z.infer<T>[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `\`${command}\` printed something that is not JSON (${(error as Error).message}): ${text.slice(0, 200)}`,
      { cause: error },
    );
  }
  const parsed = z.array(schema).safeParse(json);
  if (!parsed.success)
    throw new Error(`\`${command}\` printed JSON of an unexpected shape: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The STP state of a bridge port from its link details, lowercase as the kernel names it. */
export function bridgePortStpState(link: IpLink): string | undefined {
  const data = BridgePortDataSchema.safeParse(link.linkinfo?.info_slave_data);
  return data.success ? data.data.state : undefined;
}

/** Whether STP is on for a bridge, from its link details (`stp_state` is 0 off, 1 kernel STP, 2 user-space STP). */
export function bridgeStpEnabled(link: IpLink): boolean | undefined {
  const data = BridgeDataSchema.safeParse(link.linkinfo?.info_data);
  const state = data.success ? data.data.stp_state : undefined;
  return state === undefined ? undefined : state !== 0;
}
