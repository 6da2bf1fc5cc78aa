/**
 * JSONata highlighting for CodeMirror: a small stream tokenizer (there is no official JSONata language
 * package). It knows strings, numbers, comments, `$functions`, `$variables`, keywords, operators and
 * backquoted names; everything else is a path name.
 */
import { HighlightStyle, StreamLanguage, syntaxHighlighting, type StreamParser } from '@codemirror/language';
import { tags } from '@lezer/highlight';

interface State {
  inComment: boolean;
}

const KEYWORDS = new Set(['and', 'or', 'in']);
const ATOMS = new Set(['true', 'false', 'null']);
const OPERATORS = /^(?::=|!=|<=|>=|~>|\.\.|\?\?|\?:|[-+*/%&=<>!?:^#@|.,;~])/;

const parser: StreamParser<State> = {
  name: 'jsonata',
  startState: () => ({ inComment: false }),
  token(stream, state) {
    if (state.inComment) {
      if (stream.skipTo('*/')) {
        stream.match('*/');
        state.inComment = false;
      } else stream.skipToEnd();
      return 'comment';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('/*')) {
      state.inComment = true;
      return 'comment';
    }
    const ch = stream.peek();
    if (ch === '"' || ch === "'") {
      const quote = stream.next();
      let escaped = false;
      for (let c = stream.next(); c !== undefined; c = stream.next()) {
        if (c === quote && !escaped) break;
        escaped = !escaped && c === '\\';
      }
      return 'string';
    }
    if (ch === '`') {
      stream.next();
      if (stream.skipTo('`')) stream.next();
      else stream.skipToEnd();
      return 'propertyName';
    }
    if (stream.match(/^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/)) return 'number';
    if (stream.match(/^\$[A-Za-z_][A-Za-z0-9_]*(?=\s*\()/)) return 'function';
    if (stream.match(/^\$[A-Za-z0-9_]*/)) return 'variable';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
      const word = stream.current();
      if (KEYWORDS.has(word)) return 'keyword';
      if (ATOMS.has(word)) return 'atom';
      if (word === 'function') return 'keyword';
      return 'propertyName';
    }
    if (stream.match(OPERATORS)) return 'operator';
    if (stream.match(/^[()[\]{}]/)) return 'bracket';
    stream.next();
    return null;
  },
  blankLine() {},
  languageData: { commentTokens: { block: { open: '/*', close: '*/' } }, closeBrackets: { brackets: ['(', '[', '{', '"', "'"] } },
  tokenTable: { function: tags.function(tags.variableName), variable: tags.special(tags.variableName) },
};

/** The JSONata language for the editor. */
export const jsonata = StreamLanguage.define(parser);

/** Colours matching the portal's palette (indigo accent, zinc text). */
export const jsonataHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: tags.string, color: '#047857' },
    { tag: tags.number, color: '#b45309' },
    { tag: tags.atom, color: '#b45309' },
    { tag: tags.comment, color: '#71717a', fontStyle: 'italic' },
    { tag: tags.keyword, color: '#7c3aed', fontWeight: '500' },
    { tag: tags.operator, color: '#be123c' },
    { tag: tags.function(tags.variableName), color: '#4338ca', fontWeight: '600' },
    { tag: tags.special(tags.variableName), color: '#0e7490' },
    { tag: tags.propertyName, color: '#18181b' },
    { tag: tags.bracket, color: '#52525b' },
  ]),
);
