import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';

/**
 * Which of the policy's Slack user groups a user is in, from `usergroups.users.list`, cached for
 * `ttlMs` so a command's RBAC check does not wait on Slack. Only the groups the policy grants
 * roles to are ever asked about; with none, no Slack call is made at all.
 */
export class UserGroupDirectory {
  private members = new Map<string, ReadonlySet<string>>();
  private fetchedAt = -Infinity;
  private refreshing?: Promise<void>;

  constructor(
    private readonly client: WebClient,
    private readonly groupIds: readonly string[],
    private readonly log: Logger,
    private readonly ttlMs = 60_000,
  ) {}

  /** The policy's groups `userId` belongs to. A group Slack cannot list counts as not containing the user. */
  async groupsOf(userId: string): Promise<string[]> {
    if (this.groupIds.length === 0) return [];
    if (Date.now() - this.fetchedAt > this.ttlMs)
      await (this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined)));
    return this.groupIds.filter((id) => this.members.get(id)?.has(userId));
  }

  private async refresh(): Promise<void> {
    const next = new Map<string, ReadonlySet<string>>();
    await Promise.all(
      this.groupIds.map(async (usergroup) => {
        try {
          const response = await this.client.usergroups.users.list({ usergroup });
          next.set(usergroup, new Set(response.users ?? []));
        } catch (error) {
          // Fail closed for this group (no role from it) but keep the rest working.
          this.log.warn(
            { usergroup, err: error instanceof Error ? error.message : String(error) },
            'cannot list a user group; its grant is ignored until it can',
          );
        }
      }),
    );
    this.members = next;
    this.fetchedAt = Date.now();
  }
}
