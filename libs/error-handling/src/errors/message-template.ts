/**
 * Message templates: texts with `{name}` placeholders, as the catalogs write them
 * (`'{resource} not found: {id}'`). A template is compiled once, at start-up or when its module
 * loads, into its literal pieces and placeholder names, and rendered by joining them: both are
 * linear in the text, and no regular expression ever runs on a value a client sent.
 */

/** The values of a template's placeholders. */
export type MessageParams = Readonly<Record<string, string | number>>;

/** A compiled template: literal pieces at even indexes, placeholder names at odd ones. */
export type CompiledTemplate = readonly string[];

/** `A-Z`, `a-z`, `_`: the first character of a placeholder name. */
function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** A name character: a start character or a digit. */
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

/**
 * Splits `text` into literal pieces and placeholder names. A placeholder is `{` + a name
 * (a letter or `_`, then letters, digits, `_`) + `}`; any other brace is literal text.
 */
export function compileTemplate(text: string): CompiledTemplate {
  const parts: string[] = [];
  let literal = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('{', from);
    if (open === -1) break;
    let end = open + 1;
    if (end < text.length && isNameStart(text.charCodeAt(end))) {
      while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
    }
    if (end > open + 1 && text.charCodeAt(end) === 125 /* } */) {
      parts.push(literal + text.slice(from, open), text.slice(open + 1, end));
      literal = '';
      from = end + 1;
    } else {
      literal += text.slice(from, open + 1);
      from = open + 1;
    }
  }
  parts.push(literal + text.slice(from));
  return parts;
}

/** The placeholder names of a compiled template, each once, in order. */
export function placeholdersOf(template: CompiledTemplate): string[] {
  const names: string[] = [];
  for (let i = 1; i < template.length; i += 2) if (!names.includes(template[i])) names.push(template[i]);
  return names;
}

/**
 * Renders a compiled template. A placeholder takes its value from `fixed` (texts of the catalog
 * itself, such as the "each value in" phrase), else from `params`; one neither has stays as
 * written (`{id}`), so a missing value shows rather than vanishes.
 */
export function renderTemplate(
  template: CompiledTemplate,
  params: MessageParams | undefined,
  fixed?: Readonly<Record<string, string>>,
): string {
  let out = template[0];
  for (let i = 1; i < template.length; i += 2) {
    const name = template[i];
    let value: string;
    if (fixed !== undefined && Object.hasOwn(fixed, name)) value = fixed[name];
    else if (typeof params === 'object' && params !== null && Object.hasOwn(params, name)) {
      value = String(params[name]);
    } else value = `{${name}}`;
    out += value + template[i + 1];
  }
  return out;
}
