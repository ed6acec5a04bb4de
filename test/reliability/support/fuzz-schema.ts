/**
 * Just enough JSON Schema (the subset the OpenAPI document uses) to tell whether a request
 * body is valid per the published contract, to make a valid body from a schema, and to list
 * the malformed variants of a valid body.
 */

export type Schema = any;
export type Path = (string | number)[];

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A piece of JSON text spliced verbatim into a body (numbers JSON cannot hold, odd keys, deep nesting). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text of a value that may hold RawJson pieces. */
export function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  if (raws.length === 0) return text;
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i) => raws[Number(i)]!);
}

export function hasRaw(value: unknown): boolean {
  if (value instanceof RawJson) return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(hasRaw);
}

function isType(type: string, v: unknown): boolean {
  switch (type) {
    case 'null':
      return v === null;
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'string':
      return typeof v === 'string';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    default:
      return true;
  }
}

/** Whether `v` is valid against `s`, leaning to "valid" where servers may count lengths differently. */
export function validate(s: Schema, v: unknown): boolean {
  if (s === undefined || s === true) return true;
  if (s === false) return false;
  if (v instanceof RawJson) return false;
  if (s.anyOf && !s.anyOf.some((x: Schema) => validate(x, v))) return false;
  if (s.oneOf && s.oneOf.filter((x: Schema) => validate(x, v)).length !== 1) return false;
  if (s.allOf && !s.allOf.every((x: Schema) => validate(x, v))) return false;
  if (s.enum && !s.enum.some((e: unknown) => e === v)) return false;
  if (s.const !== undefined && s.const !== v) return false;
  if (s.type && ![s.type].flat().some((t: string) => isType(t, v))) return false;
  if (typeof v === 'string') {
    // Counted so that "invalid" holds however the server counts: in UTF-16 units or code points,
    // before or after trimming.
    if (s.minLength !== undefined && v.length < s.minLength) return false;
    if (s.maxLength !== undefined && [...v.trim()].length > s.maxLength) return false;
    if (s.pattern !== undefined && !new RegExp(s.pattern).test(v)) return false;
    if (s.format === 'uuid' && !UUID.test(v)) return false;
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) return false;
    if (s.maximum !== undefined && v > s.maximum) return false;
    if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) return false;
    if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum) return false;
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) return false;
    if (s.maxItems !== undefined && v.length > s.maxItems) return false;
    if (s.items && !v.every((x) => validate(s.items, x))) return false;
  } else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const key of s.required ?? []) if (!Object.hasOwn(o, key)) return false;
    for (const [key, value] of Object.entries(o)) {
      if (s.propertyNames && !validate(s.propertyNames, key)) return false;
      const prop = s.properties?.[key];
      if (prop !== undefined) {
        if (!validate(prop, value)) return false;
      } else if (s.additionalProperties === false) {
        return false;
      } else if (typeof s.additionalProperties === 'object' && !validate(s.additionalProperties, value)) {
        return false;
      }
    }
  }
  return true;
}

/** The option of an anyOf/oneOf that `value` matches (else the first one that is not null). */
export function resolve(s: Schema, value: unknown): Schema {
  const options: Schema[] | undefined = s?.anyOf ?? s?.oneOf;
  if (!options) return s ?? {};
  return (
    options.find((o) => validate(o, value)) ??
    options.find((o) => o.type !== 'null' && isType(o.type ?? 'object', value)) ??
    options.find((o) => o.type !== 'null') ??
    options[0]
  );
}

/** A minimal valid value of a schema (for operations without a hand-written request). */
export function sample(s: Schema, name = '', uuid: () => string = () => crypto.randomUUID()): unknown {
  if (s === undefined || s === true) return {};
  if (s.default !== undefined) return s.default;
  if (s.anyOf || s.oneOf)
    return sample(
      (s.anyOf ?? s.oneOf).find((o: Schema) => o.type !== 'null'),
      name,
      uuid,
    );
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const type = [s.type].flat()[0];
  switch (type) {
    case 'string':
      if (s.format === 'uuid') return uuid();
      if (/email/i.test(name)) return 'fuzz@example.test';
      return 'x'.repeat(Math.max(s.minLength ?? 1, 1));
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items, name, uuid));
    default: {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = sample(s.properties?.[key], key, uuid);
      return out;
    }
  }
}

export const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/** A copy of `root` with the value at `path` replaced (or deleted when `value` is DELETE). */
export const DELETE = Symbol('delete');
export function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: any = clone(root);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path.at(-1)!;
  if (value === DELETE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

export function getAt(root: unknown, path: Path): unknown {
  let node: any = root;
  for (const key of path) node = node?.[key];
  return node;
}

export type Node = { path: Path; schema: Schema; value: unknown };

/** Every node of a valid value with the schema that governs it (anyOf/oneOf resolved by the value). */
export function nodes(s: Schema, value: unknown, path: Path = []): Node[] {
  const schema = resolve(s, value);
  const out: Node[] = [{ path, schema, value }];
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push(...nodes(schema.items, item, [...path, i]));
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const prop =
        schema.properties?.[key] ??
        (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {});
      out.push(...nodes(prop, child, [...path, key]));
    }
  }
  return out;
}

export const ONE_MIB = 1024 * 1024;

export const UNICODE_EDGES: Array<[string, string]> = [
  ['nul', 'a\u0000b'],
  ['nul-only', '\u0000'],
  ['lone-high-surrogate', 'x\ud800y'],
  ['lone-low-surrogate', '\udfff'],
  ['reversed-surrogates', '\udc00\ud800'],
  ['rtl-override', '\u202eevil.exe\u202c'],
  ['rtl-text', 'שלום עולם مرحبا'],
  ['emoji', 'ok 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈'],
  ['combining', 'e\u0301\u0302\u0303 n\u0303'],
  ['zero-width', '\u200b\u200c\u200d\ufeff'],
  ['line-separators', 'a\u2028b\u2029c\u0085d'],
  ['noncharacters', '\uffff\ufffe\u{10ffff}'],
  ['controls', '\u0001\u0007\u001b[31m\u007f'],
  ['astral', '𝕏𝔂𝟘 𓀀'],
  ['only-spaces', '   \t\n  '],
  ['html', '<img src=x onerror=alert(1)>'],
  ['sql', "'; DROP TABLE approvals; --"],
];

/** A string of `n` UTF-16 units that is one very long grapheme cluster. */
export const graphemeCluster = (n: number) =>
  `a${'\u0301\u0308\u0323'.repeat(Math.ceil(n / 3)).slice(0, Math.max(0, n - 1))}`;

export type Variant = {
  kind: string;
  path: Path;
  /** The new value at `path`, or DELETE. */
  value: unknown;
};

const WRONG_TYPES: Array<[string, unknown]> = [
  ['string', 'wrong'],
  ['empty-string', ''],
  ['integer', 12345],
  ['negative', -1],
  ['float', 1.5],
  ['true', true],
  ['false', false],
  ['null', null],
  ['empty-array', []],
  ['empty-object', {}],
];

/**
 * Malformed variants of a valid body, node by node: wrong types, missing required fields,
 * extra fields, strings past their limits or full of Unicode edge cases, numbers out of
 * range, arrays where objects belong and the reverse, nested garbage.
 */
export function variants(bodySchema: Schema, body: unknown): Variant[] {
  const out: Variant[] = [];
  for (const { path, schema, value } of nodes(bodySchema, body)) {
    const at = (kind: string, v: unknown) => out.push({ kind, path, value: v });
    for (const [name, wrong] of WRONG_TYPES) {
      if (!validate(schema, wrong)) at(`wrong-type:${name}`, wrong);
    }
    if (!validate(schema, [value])) at('wrapped-in-array', [value]);
    if (!validate(schema, { value })) at('wrapped-in-object', { value });
    at('nested-garbage', { a: [{ b: [[[null, { c: {} }]]] }], '': -0 });
    at('deep-nesting', new RawJson(`${'['.repeat(5000)}${']'.repeat(5000)}`));
    if (Array.isArray(value)) {
      if ((schema.minItems ?? 0) > 0) at('array:empty', []);
      if (schema.maxItems !== undefined && value.length > 0)
        at(
          'array:too-many',
          Array.from({ length: schema.maxItems + 1 }, () => clone(value[0])),
        );
      at('array:of-garbage', [null, 'x', 1, [[]], { '': {} }]);
      at('array:object-with-index-keys', Object.fromEntries(value.map((v, i) => [String(i), v])));
    } else if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      for (const key of schema.required ?? []) {
        if (Object.hasOwn(o, key))
          out.push({ kind: `missing-required:${key}`, path: [...path, key], value: DELETE });
      }
      if (schema.additionalProperties === false) {
        out.push({ kind: 'extra-field', path: [...path, 'unexpected'], value: 1 });
        out.push({ kind: 'extra-field:admin', path: [...path, 'isAdmin'], value: true });
        out.push({
          kind: 'extra-field:workspaceId',
          path: [...path, 'workspaceId'],
          value: crypto.randomUUID(),
        });
        out.push({ kind: 'extra-field:empty-key', path: [...path, ''], value: 'x' });
        at(
          'extra-field:__proto__',
          new RawJson(
            `${toJson(o).slice(0, -1)}${Object.keys(o).length ? ',' : ''}"__proto__":{"isAdmin":true}}`,
          ),
        );
        at('extra-field:constructor', { ...clone(o), constructor: { prototype: { isAdmin: true } } });
      }
    } else if (typeof value === 'string') {
      const max: number | undefined = schema.maxLength;
      if (max !== undefined) {
        at('string:max+1', 'x'.repeat(max + 1));
        at('string:max+1-emoji', '😀'.repeat(max + 1));
      }
      if ((schema.minLength ?? 0) > 0) at('string:empty', '');
      at('string:near-1MiB', 'y'.repeat(ONE_MIB - 4096));
      at('string:over-1MiB', 'z'.repeat(ONE_MIB + 1));
      at('string:long-grapheme-cluster', graphemeCluster(Math.min(max ?? 20_000, 20_000)));
      at('string:long-grapheme-cluster-over', graphemeCluster((max ?? 20_000) + 1));
      if (schema.enum) {
        at('enum:bogus', 'bogus');
        at('enum:upper', String(value).toUpperCase());
        at('enum:padded', ` ${value} `);
      }
      if (schema.format === 'uuid') {
        at('uuid:malformed', 'not-a-uuid');
        at('uuid:braces', `{${value}}`);
        at('uuid:urn', `urn:uuid:${value}`);
        at('uuid:trailing-space', `${value} `);
        at('uuid:short', String(value).slice(0, 35));
        at('uuid:sql', `${value}' OR '1'='1`);
      }
      for (const [name, text] of UNICODE_EDGES) at(`unicode:${name}`, text);
      at('unicode:appended-nul', `${value}\u0000`);
      at('unicode:appended-lone-surrogate', `${value}\ud83d`);
    } else if (typeof value === 'number') {
      if (schema.minimum !== undefined) at('number:min-1', schema.minimum - 1);
      if (schema.maximum !== undefined) at('number:max+1', schema.maximum + 1);
      if ([schema.type].flat().includes('integer')) at('number:fraction', value + 0.5);
      at('number:huge', 1e308);
      at('number:-huge', -1e308);
      at('number:2^53+1', new RawJson('9007199254740993'));
      at('number:1e400', new RawJson('1e400'));
      at('number:-1e400', new RawJson('-1e400'));
      at('number:string', String(value));
    } else if (typeof value === 'boolean') {
      at('boolean:string', String(value));
      at('boolean:number', value ? 1 : 0);
    }
  }
  return out;
}

/** Every string field with format uuid in a body (for other-workspace and random ids). */
export function uuidNodes(bodySchema: Schema, body: unknown): Node[] {
  return nodes(bodySchema, body).filter((n) => typeof n.value === 'string' && n.schema?.format === 'uuid');
}

export function containsNul(text: string): boolean {
  return text.includes('\\u0000') || text.includes('\u0000');
}
