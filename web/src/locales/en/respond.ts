/** Strings of the respond pages. */
export default {
  title: 'respond',
} as const;
