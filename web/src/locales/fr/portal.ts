import type en from '../en/portal.js';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const fr: Shape<typeof en> = {
  nav: { myTickets: 'Mes tickets' },
  title: 'portal',
};

export default fr;
