import { connect, type Socket } from 'node:net';

/**
 * An HTTP/1.1 connection written by hand, for what fetch cannot do: a request the server is known to have
 * started (`Expect: 100-continue` makes it say so) whose body arrives later, and requests pipelined behind it.
 */
export interface RawConnection {
  /** Resolves once the server answered `100 Continue`: it is handling the request whose head was sent. */
  continued: Promise<void>;
  /** Everything the server sent once it closed the connection. */
  closed: Promise<string>;
  write(text: string): void;
}

export function rawConnection(baseUrl: string, head: string): RawConnection {
  const { hostname, port } = new URL(baseUrl);
  const socket: Socket = connect(Number(port), hostname);
  let received = '';
  let markContinued: () => void;
  const continued = new Promise<void>((resolve) => (markContinued = resolve));
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
    if (received.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) markContinued();
  });
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  socket.on('error', () => undefined); // a destroyed connection shows as `closed`
  socket.write(head);
  return { continued, closed, write: (text) => socket.write(text) };
}

/** The head of a POST whose body will follow once the server said `100 Continue`. */
export function postHead(path: string, body: string, headers: Record<string, string>): string {
  const lines = [`POST ${path} HTTP/1.1`, 'Host: gateway', 'Expect: 100-continue', `Content-Length: ${Buffer.byteLength(body)}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
