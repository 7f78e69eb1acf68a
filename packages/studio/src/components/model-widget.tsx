import type { ModelInfo } from '@catalyst/spec';
import type { WidgetProps } from '@rjsf/utils';
import { createContext, useContext } from 'react';

/** The models the picker offers: the catalog's, for the selected node's provider. */
export const ModelsContext = createContext<ModelInfo[]>([]);

/** "200k context · $1.00 / $5.00 per M tokens · retired". */
export function describeModel(model: ModelInfo): string {
  const parts = [`${Math.round(model.contextWindow / 1000)}k context`];
  if (model.pricing) {
    parts.push(
      `$${model.pricing.inputPerMillion.toFixed(2)} / $${model.pricing.outputPerMillion.toFixed(2)} per M tokens`,
    );
  }
  if (model.retired) {
    parts.push(
      `retired since ${model.retired.since}; use ${model.retired.replacements.join(' or ')}`,
    );
  }
  return parts.join(' · ');
}

/** A model id field with the catalog as suggestions and the chosen model's facts below. */
export function ModelWidget(props: WidgetProps) {
  const models = useContext(ModelsContext);
  const value = typeof props.value === 'string' ? props.value : '';
  const chosen = models.find((model) => model.id === value);
  const listId = `${props.id}__models`;
  return (
    <div className="model-widget">
      <input
        id={props.id}
        name={props.htmlName ?? props.id}
        list={listId}
        value={value}
        placeholder={props.placeholder}
        disabled={props.disabled || props.readonly}
        aria-describedby={`${props.id}__error ${props.id}__facts`}
        onChange={(event) =>
          props.onChange(event.target.value === '' ? undefined : event.target.value)
        }
        onBlur={() => props.onBlur(props.id, value)}
        onFocus={() => props.onFocus(props.id, value)}
      />
      <datalist id={listId}>
        {models.map((model) => (
          <option key={model.id} value={model.id}>
            {`${model.id}${model.retired ? ' (retired)' : ''} — ${describeModel(model)}`}
          </option>
        ))}
      </datalist>
      <p className="model-facts" id={`${props.id}__facts`}>
        {chosen
          ? describeModel(chosen)
          : value
            ? 'not in the model catalog'
            : `${models.length} models in the catalog`}
      </p>
    </div>
  );
}
