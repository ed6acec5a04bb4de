/** Strings of the portal pages. */
export default {
  nav: { myTickets: 'My tickets' },
  title: 'portal',
} as const;
