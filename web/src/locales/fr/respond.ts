import type en from '../en/respond.js';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const fr: Shape<typeof en> = {
  title: 'respond',
};

export default fr;
