'use client';
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers, placeholder as placeholderExt } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, indentOnInput } from '@codemirror/language';
import { setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { cn } from '@/lib/cn';
import { jsonata, jsonataHighlight } from './jsonata-language';

/** What a parent can do with the editor: insert text at the cursor (the field list uses it). */
export interface CodeEditorHandle {
  insert(text: string): void;
  focus(): void;
}

/** A problem to underline: 0-based offset and length, and the message shown on hover. */
export interface CodeProblem {
  position: number;
  length: number;
  message: string;
}

const theme = EditorView.theme({
  '&': { fontSize: '13px', backgroundColor: 'white' },
  '&.cm-focused': { outline: 'none' },
  '.cm-content': { fontFamily: 'var(--font-mono)', padding: '8px 0', caretColor: '#4f46e5' },
  '.cm-gutters': { backgroundColor: '#fafafa', color: '#a1a1aa', borderRight: '1px solid #f4f4f5' },
  '.cm-activeLine': { backgroundColor: 'rgb(238 242 255 / 0.45)' },
  '.cm-activeLineGutter': { backgroundColor: 'rgb(238 242 255 / 0.7)' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection': { backgroundColor: '#e0e7ff !important' },
  '.cm-placeholder': { color: '#a1a1aa' },
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy #dc2626', textUnderlineOffset: '3px' },
  '.cm-tooltip-lint': { fontFamily: 'var(--font-sans)', fontSize: '12px' },
  '.cm-scroller': { overflow: 'auto' },
});

/**
 * CodeMirror 6 for JSONata: highlighting, history, bracket matching, and problems underlined where the
 * server located them. Controlled: `value` changes from outside replace the text; typing calls `onChange`.
 */
export function CodeEditor({
  value,
  onChange,
  problem,
  labelledBy,
  describedBy,
  placeholder,
  minLines = 4,
  maxHeight = 320,
  lineNumbers: showLineNumbers = true,
  invalid = false,
  className,
  testId,
  ref,
}: {
  value: string;
  onChange: (value: string) => void;
  problem?: CodeProblem | null;
  labelledBy?: string;
  describedBy?: string;
  placeholder?: string;
  minLines?: number;
  maxHeight?: number;
  lineNumbers?: boolean;
  invalid?: boolean;
  className?: string;
  testId?: string;
  ref?: Ref<CodeEditorHandle>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useImperativeHandle(ref, () => ({
    insert(text: string) {
      const v = view.current;
      if (!v) return;
      const { from, to } = v.state.selection.main;
      v.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + text.length }, scrollIntoView: true });
      v.focus();
    },
    focus() {
      view.current?.focus();
    },
  }));

  // Created once; the attributes that change are applied below without recreating the editor.
  useEffect(() => {
    if (!host.current) return;
    const extensions: Extension[] = [
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      keymap.of([...defaultKeymap, ...historyKeymap]),
      jsonata,
      jsonataHighlight,
      theme,
      EditorView.lineWrapping,
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChangeRef.current(update.state.doc.toString());
      }),
      EditorView.contentAttributes.of({
        ...(labelledBy ? { 'aria-labelledby': labelledBy } : {}),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        'aria-multiline': 'true',
        role: 'textbox',
        ...(testId ? { 'data-testid': testId } : {}),
      }),
    ];
    if (showLineNumbers) extensions.push(lineNumbers());
    if (placeholder) extensions.push(placeholderExt(placeholder));
    view.current = new EditorView({ state: EditorState.create({ doc: value, extensions }), parent: host.current });
    return () => {
      view.current?.destroy();
      view.current = null;
    };
    // The editor is built once per mount; value and problems are synchronised by the effects below.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state.doc.toString();
    if (current !== value) v.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const length = v.state.doc.length;
    const diagnostics: Diagnostic[] = [];
    if (problem) {
      // A problem at the very end (an unclosed bracket) underlines the last character.
      const from = Math.max(0, Math.min(problem.position, length - 1));
      const to = Math.min(length, Math.max(from + Math.max(problem.length, 1), from + 1));
      if (length > 0) diagnostics.push({ from, to, severity: 'error', message: problem.message });
    }
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [problem, value]);

  return (
    <div
      ref={host}
      className={cn(
        'overflow-hidden rounded-lg border bg-white shadow-card transition-colors focus-within:ring-3',
        invalid ? 'border-red-400 focus-within:border-red-500 focus-within:ring-red-500/20' : 'border-zinc-300 focus-within:border-indigo-500 focus-within:ring-indigo-500/20',
        '[&_.cm-editor]:max-h-(--cm-max) [&_.cm-editor]:min-h-(--cm-min)',
        className,
      )}
      style={{ ['--cm-max' as string]: `${maxHeight}px`, ['--cm-min' as string]: `${minLines * 19 + 16}px` }}
    />
  );
}
