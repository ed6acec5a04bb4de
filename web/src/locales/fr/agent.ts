import type en from '../en/agent.js';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const fr: Shape<typeof en> = {
  title: 'agent',
};

export default fr;
