/** Strings of the admin pages. */
export default {
  title: 'admin',
} as const;
