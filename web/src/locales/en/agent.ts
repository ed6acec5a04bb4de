/** Strings of the agent pages. */
export default {
  title: 'agent',
} as const;
