// Structured logs (pino). Every object and message is scrubbed of NIKs before it is written.
import pino from 'pino'
import { scrubNiks, scrubValue } from './privacy.ts'

export type Logger = pino.Logger

interface LoggedRequest {
  method?: string
  url?: string
  ip?: string
  id?: string
  raw?: { url?: string }
}

export function createLogger(level = process.env.LOG_LEVEL || 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'jamsos' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        log: (obj) => scrubValue(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubNiks(a) : a)) as Parameters<typeof method>
          method.apply(this, scrubbed)
        },
      },
      serializers: {
        // A NIK may sit in a query string (?nik=…): URLs are scrubbed like any text.
        req: (req: LoggedRequest) => ({
          method: req.method,
          url: scrubNiks(String(req.url ?? req.raw?.url ?? '')),
          ip: req.ip,
          id: req.id,
        }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  )
}
