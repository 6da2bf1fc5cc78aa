'use client';
import { memo, useEffect, useMemo } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { AlertTriangle, Filter, GitBranch, Plus, Shuffle, Zap } from 'lucide-react';
import { cn } from '@/lib/cn';
import { containerId, kindLabels, type Container, type FlowDefinition, type Step } from './definition';
import { ConnectorIcon } from './connector-icon';

const NODE_W = 248;
const NODE_H = 68;
const ADD_H = 40;
const GAP_Y = 44;
const GAP_X = 28;
const LABEL_ROOM = 18;

/** What a node of the graph shows. */
interface GraphNodeData extends Record<string, unknown> {
  /** The selection id: "trigger", a step key, or "add:<container>". */
  selectId: string;
  kind: 'trigger' | Step['kind'] | 'add';
  title: string;
  subtitle: string;
  icon?: string | undefined;
  issues: number;
  selected: boolean;
  onSelect: (id: string) => void;
  addLabel?: string;
}

/** What the graph needs to describe connectors (name and icon by id, action names). */
export interface GraphCatalog {
  connectorName(id: string): string;
  connectorIcon(id: string): string | undefined;
  actionName(connector: string, action: string): string;
  triggerName(connector: string, trigger: string): string;
}

function measure(steps: Step[]): number {
  let width = NODE_W;
  for (const step of steps) if (step.kind === 'branch') width = Math.max(width, branchWidth(step));
  return width;
}

function branchWidth(step: Extract<Step, { kind: 'branch' }>): number {
  const columns = [...step.branches.map((b) => measure(b.steps)), measure(step.otherwise)];
  return Math.max(NODE_W, columns.reduce((a, b) => a + b, 0) + GAP_X * (columns.length - 1));
}

interface Exit {
  id: string;
  label?: string;
  dashed?: boolean;
}

interface Placed {
  nodes: Node<GraphNodeData>[];
  edges: Edge[];
  /** Ids of the nodes the next step connects from (dashed when the path is an empty placeholder). */
  exits: Exit[];
  height: number;
}

function edge(source: string, target: string, options: { label?: string | undefined; dashed?: boolean } = {}): Edge {
  return {
    id: `${source}->${target}`,
    source,
    target,
    type: 'smoothstep',
    label: options.label,
    labelStyle: { fontSize: 11, fontWeight: 500, fill: '#3f3f46' },
    labelBgStyle: { fill: '#f4f4f5' },
    labelBgPadding: [6, 3],
    labelBgBorderRadius: 6,
    style: { stroke: options.dashed ? '#d4d4d8' : '#a1a1aa', strokeWidth: 1.5, ...(options.dashed ? { strokeDasharray: '4 4' } : {}) },
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: options.dashed ? '#d4d4d8' : '#a1a1aa' },
  };
}

/**
 * Lays a list of steps out top to bottom around the centre line `cx`, starting at `y`; a branch puts its
 * branches side by side below it and the next step continues under the tallest one.
 */
function place(
  steps: Step[],
  container: Container,
  cx: number,
  y: number,
  ctx: { describe: (step: Step) => Pick<GraphNodeData, 'title' | 'subtitle' | 'icon'>; data: (id: string) => Pick<GraphNodeData, 'issues' | 'selected' | 'onSelect'> },
  options: { addAtEnd: boolean; addLabel: string },
): Placed {
  const nodes: Node<GraphNodeData>[] = [];
  const edges: Edge[] = [];
  let exits: Exit[] = [];
  let top = y;

  const connect = (to: string, dashed = false) => {
    for (const exit of exits) edges.push(edge(exit.id, to, { label: exit.label, dashed: dashed || exit.dashed === true }));
  };

  for (const step of steps) {
    const { title, subtitle, icon } = ctx.describe(step);
    nodes.push({
      id: step.key,
      type: 'step',
      position: { x: cx - NODE_W / 2, y: top },
      data: { selectId: step.key, kind: step.kind, title, subtitle, icon, ...ctx.data(step.key) },
      width: NODE_W,
      height: NODE_H,
    });
    connect(step.key);
    exits = [{ id: step.key }];
    top += NODE_H + GAP_Y;
    if (step.kind === 'branch') {
      const columns: { steps: Step[]; container: Container; label: string }[] = [
        ...step.branches.map((b, i) => ({ steps: b.steps, container: { kind: 'branch', stepKey: step.key, index: i } as Container, label: b.name || `Branch ${i + 1}` })),
        { steps: step.otherwise, container: { kind: 'otherwise', stepKey: step.key }, label: 'Otherwise' },
      ];
      const widths = columns.map((c) => measure(c.steps));
      const total = widths.reduce((a, b) => a + b, 0) + GAP_X * (columns.length - 1);
      let left = cx - total / 2;
      let tallest = 0;
      const branchExits: Exit[] = [];
      top += LABEL_ROOM;
      columns.forEach((column, i) => {
        const ccx = left + widths[i]! / 2;
        const inner = place(column.steps, column.container, ccx, top, ctx, { addAtEnd: column.steps.length === 0, addLabel: `Add to ${column.label}` });
        nodes.push(...inner.nodes);
        edges.push(...inner.edges);
        const entry = inner.nodes[0];
        if (entry) edges.push(edge(step.key, entry.id, { label: column.label, dashed: entry.type === 'add' }));
        // An empty branch goes straight on: drawn from its placeholder, dashed.
        branchExits.push(...inner.exits);
        tallest = Math.max(tallest, inner.height);
        left += widths[i]! + GAP_X;
      });
      exits = dedupe(branchExits);
      top += tallest + GAP_Y;
    }
  }

  if (options.addAtEnd) {
    const id = `add:${containerId(container)}`;
    nodes.push({
      id,
      type: 'add',
      position: { x: cx - NODE_W / 2, y: top },
      data: { selectId: id, kind: 'add', title: options.addLabel, subtitle: '', addLabel: options.addLabel, ...ctx.data(id), issues: 0 },
      width: NODE_W,
      height: ADD_H,
    });
    connect(id, true);
    top += ADD_H + GAP_Y;
    if (!steps.length) exits = [{ id, dashed: true }];
  }
  return { nodes, edges, exits, height: top - y - GAP_Y };
}

function dedupe(exits: Exit[]): Exit[] {
  const seen = new Set<string>();
  return exits.filter((e) => {
    const key = `${e.id}|${e.label ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Nodes and edges of a definition, laid out. */
export function layoutFlow(
  definition: FlowDefinition,
  catalog: GraphCatalog,
  state: { selected: string | null; issues: Map<string, number>; onSelect: (id: string) => void },
): { nodes: Node<GraphNodeData>[]; edges: Edge[]; width: number; height: number } {
  const data = (id: string) => ({ issues: state.issues.get(id) ?? 0, selected: state.selected === id, onSelect: state.onSelect });
  const describe = (step: Step) => {
    switch (step.kind) {
      case 'action':
        return { title: step.name || catalog.actionName(step.connector, step.action), subtitle: `${catalog.connectorName(step.connector)} · ${step.key}`, icon: catalog.connectorIcon(step.connector) };
      case 'map':
        return { title: step.name || 'Map data', subtitle: `Map · ${step.key}` };
      case 'filter':
        return { title: step.name || 'Continue only if…', subtitle: `Filter · ${step.key}` };
      case 'branch':
        return { title: step.name || 'Branch', subtitle: `${step.branches.length + 1} paths · ${step.key}` };
    }
  };
  const width = Math.max(NODE_W, measure(definition.steps));
  const cx = width / 2;
  const trigger: Node<GraphNodeData> = {
    id: 'trigger',
    type: 'trigger',
    position: { x: cx - NODE_W / 2, y: 0 },
    data: {
      selectId: 'trigger',
      kind: 'trigger',
      title: catalog.triggerName(definition.trigger.connector, definition.trigger.trigger),
      subtitle: `Trigger · ${catalog.connectorName(definition.trigger.connector)}`,
      icon: catalog.connectorIcon(definition.trigger.connector),
      ...data('trigger'),
    },
    width: NODE_W,
    height: NODE_H,
  };
  const body = place(definition.steps, { kind: 'root' }, cx, NODE_H + GAP_Y, { describe, data }, { addAtEnd: true, addLabel: definition.steps.length ? 'Add a step' : 'Add the first step' });
  const first = body.nodes[0];
  const edges = [...(first ? [edge('trigger', first.id, { dashed: first.type === 'add' })] : []), ...body.edges];
  return { nodes: [trigger, ...body.nodes], edges, width, height: NODE_H + GAP_Y + body.height };
}

const kindIcon = { map: Shuffle, filter: Filter, branch: GitBranch, action: Zap, trigger: Zap, add: Plus } as const;
const kindTint = {
  trigger: 'bg-indigo-50 text-indigo-600 ring-indigo-100',
  action: 'bg-sky-50 text-sky-700 ring-sky-100',
  map: 'bg-violet-50 text-violet-700 ring-violet-100',
  filter: 'bg-amber-50 text-amber-700 ring-amber-100',
  branch: 'bg-emerald-50 text-emerald-700 ring-emerald-100',
  add: 'bg-zinc-50 text-zinc-500 ring-zinc-100',
} as const;

const StepNode = memo(function StepNode({ data }: NodeProps<Node<GraphNodeData>>) {
  const Icon = kindIcon[data.kind];
  const kindName = data.kind === 'trigger' ? 'Trigger' : data.kind === 'add' ? '' : kindLabels[data.kind];
  return (
    <div className="relative">
      {data.kind !== 'trigger' ? <Handle type="target" position={Position.Top} className="!size-1 !min-h-0 !min-w-0 !border-0 !bg-transparent" /> : null}
      <button
        type="button"
        onClick={() => data.onSelect(data.selectId)}
        aria-pressed={data.selected}
        aria-label={`${kindName}: ${data.title}${data.issues ? ` (${data.issues} ${data.issues === 1 ? 'problem' : 'problems'})` : ''}`}
        data-testid={`node-${data.selectId}`}
        className={cn(
          'nodrag flex w-[248px] items-center gap-3 rounded-xl border bg-white px-3 text-left shadow-card transition-shadow outline-none',
          'h-[68px] hover:shadow-pop focus-visible:ring-3 focus-visible:ring-indigo-500/30',
          data.selected ? 'border-indigo-500 ring-2 ring-indigo-500/25' : data.issues ? 'border-red-300' : 'border-zinc-200',
        )}
      >
        <span className={cn('flex size-9 shrink-0 items-center justify-center rounded-lg ring-1 ring-inset', kindTint[data.kind])}>
          {data.icon ? <ConnectorIcon svg={data.icon} className="size-[18px]" /> : <Icon className="size-[18px]" aria-hidden="true" />}
        </span>
        <span className="min-w-0 flex-1">
          <span className="block truncate text-[13px] font-semibold text-zinc-900">{data.title}</span>
          <span className="block truncate text-xs text-zinc-500">{data.subtitle}</span>
        </span>
        {data.issues ? (
          <span className="flex shrink-0 items-center gap-1 rounded-md bg-red-50 px-1.5 py-0.5 text-[11px] font-medium text-red-700 ring-1 ring-red-200 ring-inset" aria-hidden="true">
            <AlertTriangle className="size-3" />
            {data.issues}
          </span>
        ) : null}
      </button>
      <Handle type="source" position={Position.Bottom} className="!size-1 !min-h-0 !min-w-0 !border-0 !bg-transparent" />
    </div>
  );
});

const AddNode = memo(function AddNode({ data }: NodeProps<Node<GraphNodeData>>) {
  return (
    <div className="relative">
      <Handle type="target" position={Position.Top} className="!size-1 !min-h-0 !min-w-0 !border-0 !bg-transparent" />
      <button
        type="button"
        onClick={() => data.onSelect(data.selectId)}
        aria-pressed={data.selected}
        data-testid={`node-${data.selectId}`}
        className={cn(
          'nodrag flex h-10 w-[248px] items-center justify-center gap-1.5 rounded-xl border border-dashed bg-white/70 text-[13px] font-medium transition-colors outline-none',
          'focus-visible:ring-3 focus-visible:ring-indigo-500/30',
          data.selected ? 'border-indigo-400 bg-indigo-50 text-indigo-700' : 'border-zinc-300 text-zinc-500 hover:border-indigo-300 hover:bg-indigo-50/50 hover:text-indigo-700',
        )}
      >
        <Plus className="size-4" aria-hidden="true" />
        {data.addLabel}
      </button>
      <Handle type="source" position={Position.Bottom} className="!size-1 !min-h-0 !min-w-0 !border-0 !bg-transparent" />
    </div>
  );
});

const nodeTypes = { trigger: StepNode, step: StepNode, add: AddNode };

function Graph({ nodes, edges, signature, onSelect }: { nodes: Node<GraphNodeData>[]; edges: Edge[]; signature: string; onSelect: (id: string) => void }) {
  const flow = useReactFlow();
  // Refit when the shape changes (steps added, removed, moved), not on every selection.
  useEffect(() => {
    const timer = setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1, duration: 200 }), 30);
    return () => clearTimeout(timer);
  }, [signature, flow]);
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      // A click handler also keeps nodes clickable: React Flow gives non-interactive nodes no pointer events.
      onNodeClick={(_event, node) => onSelect(node.data.selectId)}
      nodesDraggable={false}
      nodesConnectable={false}
      nodesFocusable={false}
      edgesFocusable={false}
      elementsSelectable={false}
      zoomOnScroll={false}
      panOnScroll
      preventScrolling={false}
      minZoom={0.3}
      maxZoom={1.5}
      fitView
      fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
      proOptions={{ hideAttribution: true }}
    >
      <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="#d4d4d8" />
      <Controls showInteractive={false} position="bottom-right" />
    </ReactFlow>
  );
}

/** The flow drawn as a graph: trigger, steps in order, branches side by side; clicking a node selects it. */
export function FlowGraph({
  definition,
  catalog,
  selected,
  issues,
  onSelect,
  className,
}: {
  definition: FlowDefinition;
  catalog: GraphCatalog;
  selected: string | null;
  issues: Map<string, number>;
  onSelect: (id: string) => void;
  className?: string;
}) {
  const layout = useMemo(() => layoutFlow(definition, catalog, { selected, issues, onSelect }), [definition, catalog, selected, issues, onSelect]);
  const signature = layout.nodes.map((n) => n.id).join('|');
  return (
    <div className={cn('h-full w-full', className)} data-testid="flow-graph">
      <ReactFlowProvider>
        <Graph nodes={layout.nodes} edges={layout.edges} signature={signature} onSelect={onSelect} />
      </ReactFlowProvider>
    </div>
  );
}
