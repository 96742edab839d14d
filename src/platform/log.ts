// Structured logs (pino). Every object and message is scrubbed of NIKs before it is written.
// JSON lines by default; readable lines (pino-pretty) on a terminal. The pretty form is drawn
// from the JSON line pino has already written, scrubbing included, so it can hold nothing the
// JSON would not.
import pino from 'pino'
import pretty from 'pino-pretty'
import { ConfigError } from './config.ts'
import { scrubNiks, scrubValue } from './privacy.ts'

export type Logger = pino.Logger

export type LogFormat = 'json' | 'pretty'
const FORMATS: LogFormat[] = ['json', 'pretty']

/**
 * How logs are written: what `--log-format` says, else JAMSOS_LOG_FORMAT, else readable lines
 * when standard output is a terminal (a person reads it) and JSON when it is piped or redirected
 * (a log collector reads it).
 */
export function chooseLogFormat(opts: { flag?: string | undefined; env?: string | undefined; isTTY: boolean }): LogFormat {
  for (const [name, value] of [['--log-format', opts.flag], ['JAMSOS_LOG_FORMAT', opts.env]] as const) {
    if (value === undefined || value === '') continue
    if (!FORMATS.includes(value as LogFormat)) throw new ConfigError(`${name} must be json or pretty, got "${value}"`)
    return value as LogFormat
  }
  return opts.isTTY ? 'pretty' : 'json'
}

/** One readable line per request: "incoming request GET /x", "request completed 200 in 3 ms". */
function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const msg = String(log[messageKey] ?? '')
  const req = log.req as { method?: string; url?: string } | undefined
  const res = log.res as { statusCode?: number } | undefined
  if (req?.method) return `${msg} ${req.method} ${req.url ?? ''}`
  if (res?.statusCode !== undefined) return `${msg} ${res.statusCode}${typeof log.responseTime === 'number' ? ` in ${log.responseTime.toFixed(0)} ms` : ''}`
  return msg
}

function prettyStream(destination: pino.DestinationStream | undefined): pino.DestinationStream {
  return pretty({
    // A file or pipe given by a caller gets no colour codes; the terminal does.
    colorize: destination === undefined && process.stdout.isTTY === true,
    destination: destination ?? 1,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,reqId,req,res,responseTime',
    messageFormat: prettyMessage,
  })
}

interface LoggedRequest {
  method?: string
  url?: string
  ip?: string
  id?: string
  raw?: { url?: string }
}

// What a request, a reply and an error are logged as. They must be applied before scrubbing:
// pino runs formatters.log before its serializers, and scrubbing copies only own enumerable
// fields, which dropped the request's method and address (getters), the reply's status and the
// error's message and stack, so every line showed "req":{"url",…}, "res":{} and "err":{}.
const serializers: Record<string, (value: never) => unknown> = {
  // A NIK may sit in a query string (?nik=…): URLs are scrubbed like any text.
  req: (req: LoggedRequest) => ({
    method: req.method,
    url: scrubNiks(String(req.url ?? req.raw?.url ?? '')),
    ip: req.ip,
    id: req.id,
  }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
  // Serialized once: what pino's own pass then meets is a plain object, which stays as it is.
  err: (err: unknown) => (err instanceof Error ? pino.stdSerializers.err(err) : err),
}

function serializeThenScrub(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...obj }
  for (const [key, serialize] of Object.entries(serializers)) {
    if (out[key] !== undefined && out[key] !== null) out[key] = serialize(out[key] as never)
  }
  return scrubValue(out) as Record<string, unknown>
}

export function createLogger(level = process.env.LOG_LEVEL || 'info', destination?: pino.DestinationStream, format: LogFormat = 'json'): Logger {
  return pino(
    {
      level,
      base: { service: 'jamsos' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        log: serializeThenScrub,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubNiks(a) : a)) as Parameters<typeof method>
          method.apply(this, scrubbed)
        },
      },
      // Also given to pino, for child loggers that pass their own; each is idempotent on its output.
      serializers: serializers as pino.LoggerOptions['serializers'],
    },
    format === 'pretty' ? prettyStream(destination) : destination,
  )
}
