import type { WorkflowDefinition } from '@catalyst/spec';

/** The workflow being edited with its undo and redo stacks. */
export interface History {
  past: WorkflowDefinition[];
  present: WorkflowDefinition;
  future: WorkflowDefinition[];
}

/** Every way the editor changes the workflow. */
export type HistoryAction =
  | { type: 'load'; definition: WorkflowDefinition }
  | { type: 'change'; change: (definition: WorkflowDefinition) => WorkflowDefinition }
  | { type: 'undo' }
  | { type: 'redo' };

const LIMIT = 200;

/** Applies an action; a change that returns the same object adds no undo step. */
export function historyReducer(history: History, action: HistoryAction): History {
  switch (action.type) {
    case 'load':
      return { past: [], present: action.definition, future: [] };
    case 'change': {
      const next = action.change(history.present);
      if (next === history.present) return history;
      return { past: [...history.past, history.present].slice(-LIMIT), present: next, future: [] };
    }
    case 'undo': {
      const previous = history.past.at(-1);
      if (!previous) return history;
      return {
        past: history.past.slice(0, -1),
        present: previous,
        future: [history.present, ...history.future],
      };
    }
    case 'redo': {
      const [next, ...rest] = history.future;
      if (!next) return history;
      return { past: [...history.past, history.present], present: next, future: rest };
    }
    default: {
      const unknown: never = action;
      throw new Error(`unknown action ${JSON.stringify(unknown)}`);
    }
  }
}
