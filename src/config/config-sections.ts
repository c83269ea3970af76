/** Building blocks shared by the config section schemas. */
import type { z } from 'zod';

/**
 * Lets a whole section be left out: it is then parsed as `{}`, so its settings get their defaults and
 * each required one is reported by its own path (`worker.hostId`), not as a missing `worker`.
 */
export function omittableSection<Section extends z.ZodType<object>>(section: Section): z.ZodPrefault<Section> {
  // `{}` is not a valid *input* type for sections with required keys, but prefault feeds it through the
  // section's own validation, which reports exactly those keys.
  return section.prefault({} as z.input<Section>);
}

/**
 * Lets a section's cross-field check run even when other settings of the section are wrong (so every
 * problem is reported at once), provided the section is a mapping and the settings it reads are valid.
 */
export function whenValid(...keys: readonly string[]): z.core.$ZodSuperRefineParams {
  return {
    when: (payload) =>
      typeof payload.value === 'object' &&
      payload.value !== null &&
      !payload.issues.some((issue) => keys.includes(String(issue.path?.[0]))),
  };
}
