import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** What the simulated Carebot needs to play sessions against a server. */
export interface SessionPlayerOptions {
  /** The HTTP GraphQL endpoint, e.g. `http://localhost:4000/graphql` (ws:// is derived). */
  url: URL;
  token: string;
  /** Pause between the steps of a session. */
  stepMs: number;
  log: (line: string) => void;
}

interface Command {
  id: string;
  familyId: string;
  kind: 'START_SESSION' | 'STOP_SESSION';
  session: { id: string; kind: string };
}

const REPORT =
  'mutation($input: ReportCareSessionInput!) { reportCareSession(input: $input) { id state } }';
const COMMANDS =
  'subscription($after: ID) { deviceCommand(after: $after) { id kind familyId session { id kind } } }';

/**
 * Plays care sessions like a Carebot (`simulate:carebot --sessions`): listens on `deviceCommand`,
 * accepts each START_SESSION and reports STARTED, progress, a generated result table for a
 * cognitive assessment, and COMPLETED; answers STOP_SESSION with STOPPED. Returns a stopper.
 */
export function playSessions(options: SessionPlayerOptions): { stop(): Promise<void> } {
  const { url, token, stepMs, log } = options;
  const headers = { 'content-type': 'application/json', authorization: `Device ${token}` };
  const gql = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as {
      data?: Record<string, Record<string, unknown>>;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    if (body.errors?.[0] !== undefined)
      throw new Error(`${body.errors[0].extensions?.code ?? 'ERROR'}: ${body.errors[0].message}`);
    return body.data ?? {};
  };
  const stopped = new Set<string>();
  const pause = () => new Promise((resolve) => setTimeout(resolve, stepMs));
  const report = async (sessionId: string, event: string, extra: Record<string, unknown> = {}) => {
    if (stopped.has(sessionId) && event !== 'STOPPED') return false;
    await gql(REPORT, { input: { sessionId, event, ...extra } });
    log(
      `session ${sessionId}: ${event}${extra['progress'] === undefined ? '' : ` ${extra['progress'] as number}%`}`,
    );
    return true;
  };
  /** A small table for the registry's linear model (x0–x7, values 0–100). */
  const uploadTable = async (familyId: string): Promise<string> => {
    const rows = Array.from({ length: 12 }, () =>
      Array.from({ length: 8 }, () => Math.round(Math.random() * 10_000) / 100).join(','),
    );
    const bytes = Buffer.from(['x0,x1,x2,x3,x4,x5,x6,x7', ...rows].join('\n') + '\n');
    const data = await gql(
      'mutation($input: CreateUploadInput!) { createUpload(input: $input) { fileId uploadUrl headers { name value } } }',
      {
        input: {
          purpose: 'ASSESSMENT_CSV',
          contentType: 'text/csv',
          byteSize: bytes.length,
          familyId,
        },
      },
    );
    const ticket = data['createUpload'] as {
      fileId: string;
      uploadUrl: string;
      headers: { name: string; value: string }[];
    };
    await fetch(ticket.uploadUrl, {
      method: 'PUT',
      headers: Object.fromEntries(ticket.headers.map((h) => [h.name, h.value])),
      body: new Uint8Array(bytes),
    });
    await gql('mutation($id: ID!) { completeUpload(fileId: $id) { id status } }', {
      id: ticket.fileId,
    });
    return ticket.fileId;
  };
  const play = async (command: Command) => {
    const id = command.session.id;
    if (command.kind === 'STOP_SESSION') {
      stopped.add(id);
      await report(id, 'STOPPED').catch((error: unknown) =>
        log(`session ${id}: STOPPED refused (${(error as Error).message})`),
      );
      return;
    }
    try {
      await report(id, 'ACCEPTED');
      await pause();
      await report(id, 'STARTED');
      for (const progress of [25, 50, 75]) {
        await pause();
        if (!(await report(id, 'PROGRESS', { progress }))) return;
      }
      if (command.session.kind === 'COGNITIVE_ASSESSMENT') {
        const fileId = await uploadTable(command.familyId);
        if (!(await report(id, 'RESULT_UPLOADED', { fileId }))) return;
      }
      await pause();
      await report(id, 'COMPLETED');
    } catch (error) {
      log(`session ${id}: ${(error as Error).message}`);
    }
  };
  const wsUrl = new URL(url);
  wsUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createClient({
    url: wsUrl.href,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Device ${token}` },
    retryAttempts: Infinity,
  });
  const dispose = client.subscribe<{ deviceCommand: Command }>(
    { query: COMMANDS, variables: { after: null } },
    {
      next: ({ data }) => {
        if (data?.deviceCommand === undefined) return;
        log(`command ${data.deviceCommand.kind} for session ${data.deviceCommand.session.id}`);
        void play(data.deviceCommand);
      },
      error: (error) => log(`deviceCommand ended: ${JSON.stringify(error)}`),
      complete: () => undefined,
    },
  );
  log('listening for care session commands (deviceCommand over graphql-ws)');
  return {
    stop: async () => {
      dispose();
      await client.dispose();
    },
  };
}
