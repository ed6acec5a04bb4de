import type en from '../en/admin.js';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const fr: Shape<typeof en> = {
  title: 'admin',
};

export default fr;
