/**
 * Lua run by Redis so that each check-then-write on an approval request is one atomic step. The
 * decide script makes the checks of `nextApprovalState`, in the same order; integration tests hold
 * the two to the same answers. Request keys other than KEYS[…] are built from a key prefix: under Redis
 * Cluster the redis.prefix must be a hash tag (`{vnetops}`) so they share a slot.
 */

/**
 * Decides one request.
 * KEYS: request hash, pending sorted set. ARGV: id, 'approve'|'reject', by, reason (trimmed), now, seconds
 * to keep a decided request. Returns `{outcome, fields}`: outcome `ok`, `not-found`, `already-decided`,
 * `expired`, `self-approval` or `reason-required`; fields the request hash afterwards (HGETALL).
 */
export const DECIDE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'not-found', {}} end
local current = redis.call('HMGET', KEYS[1], 'state', 'requestedBy', 'expiresAt')
local state, requestedBy, expiresAt = current[1], current[2], tonumber(current[3])
local id, decision, by, reason, now, keep = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
local outcome
if state ~= 'pending' then
  if state == 'expired' then outcome = 'expired' else outcome = 'already-decided' end
elseif now >= expiresAt then
  redis.call('HSET', KEYS[1], 'state', 'expired')
  redis.call('ZREM', KEYS[2], id)
  redis.call('EXPIRE', KEYS[1], keep)
  outcome = 'expired'
elseif by == requestedBy then
  outcome = 'self-approval'
elseif decision == 'reject' and reason == '' then
  outcome = 'reason-required'
else
  if decision == 'approve' then
    redis.call('HSET', KEYS[1], 'state', 'approved', 'decidedBy', by, 'decidedAt', ARGV[5])
  else
    redis.call('HSET', KEYS[1], 'state', 'rejected', 'decidedBy', by, 'decidedAt', ARGV[5], 'rejectReason', reason)
  end
  redis.call('ZREM', KEYS[2], id)
  redis.call('EXPIRE', KEYS[1], keep)
  outcome = 'ok'
end
return {outcome, redis.call('HGETALL', KEYS[1])}
`;

/**
 * Expires due requests, at most `limit` per run.
 * KEYS: pending sorted set. ARGV: request key prefix (id appended), now, limit, seconds to keep.
 * Returns `{scanned, moved}`: how many due ids were looked at, and the hash (HGETALL) of each moved request.
 */
export const EXPIRE_DUE_SCRIPT = `
local prefix, now, limit, keep = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
local moved = {}
for _, id in ipairs(ids) do
  local key = prefix .. id
  redis.call('ZREM', KEYS[1], id)
  local current = redis.call('HMGET', key, 'state', 'expiresAt')
  if current[1] == 'pending' and now >= tonumber(current[2]) then
    redis.call('HSET', key, 'state', 'expired')
    redis.call('EXPIRE', key, keep)
    table.insert(moved, redis.call('HGETALL', key))
  end
end
return {#ids, moved}
`;

/**
 * Sets fields of an existing request; never creates one.
 * KEYS: request hash. ARGV: field, value, field, value … Returns 1 if the request exists, else 0.
 */
export const ATTACH_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;
