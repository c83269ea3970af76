import { ROLES } from '../config/index.js';

export { ROLES };

/** An access role; each has every power of the roles before it in {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Whether `held` includes the powers of `needed`. */
export function roleCovers(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** The higher of two roles. */
export function higherRole(a: Role, b: Role): Role {
  return roleCovers(a, b) ? a : b;
}

/** `role` and every role below it, lowest first. */
export function rolesUpTo(role: Role): Role[] {
  return ROLES.slice(0, ROLES.indexOf(role) + 1);
}
