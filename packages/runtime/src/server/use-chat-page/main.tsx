import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport, isToolUIPart, type UIMessage } from 'ai';
import { type FormEvent, useState } from 'react';
import { createRoot } from 'react-dom/client';

// The smallest chat a person builds with the AI SDK, pointed at `POST /workflows/{id}/ui`:
// `useChat` renders the assistant's text parts and tool parts as they stream. The browser test
// (use-chat.e2e.test.ts) drives it. `?workflow=` names the workflow; `?inputField=` sends the
// typed text as that field of the workflow's input (body.input) instead of as chat messages.

const search = new URLSearchParams(window.location.search);
const workflow = search.get('workflow') ?? 'assistant';
const inputField = search.get('inputField');

const transport = new DefaultChatTransport<UIMessage>({ api: `/workflows/${workflow}/ui` });

function MessagePart({ part }: { part: UIMessage['parts'][number] }) {
  if (part.type === 'text') return <p data-testid="text-part">{part.text}</p>;
  if (isToolUIPart(part)) {
    return (
      <div data-testid="tool-part" data-tool-call-id={part.toolCallId} data-state={part.state}>
        <strong data-testid="tool-name">{part.type.slice('tool-'.length)}</strong>
        <code data-testid="tool-input">{JSON.stringify(part.input ?? null)}</code>
      </div>
    );
  }
  return null;
}

function Chat() {
  const { messages, sendMessage, status, error } = useChat({ transport });
  const [text, setText] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    const options = inputField ? { body: { input: { [inputField]: text } } } : undefined;
    void sendMessage({ text }, options);
    setText('');
  }

  return (
    <main>
      <ol>
        {messages.map((message) => (
          <li key={message.id} data-testid={`message-${message.role}`}>
            {message.parts.map((part, index) => (
              // Parts have no id of their own; their order within a message never changes.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <MessagePart key={index} part={part} />
            ))}
          </li>
        ))}
      </ol>
      <output data-testid="status">{status}</output>
      {error && <p data-testid="error">{error.message}</p>}
      <form onSubmit={submit}>
        <input
          aria-label="Message"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit">Send</button>
      </form>
    </main>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(<Chat />);
