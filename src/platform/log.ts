// Structured logs (pino). Every object and message is scrubbed of NIKs before it is written.
import pino from 'pino'
import { scrubNiks, scrubValue } from './privacy.ts'

export type Logger = pino.Logger

export function createLogger(level = process.env.LOG_LEVEL || 'info'): Logger {
  return pino({
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
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: scrubNiks(req.url),
        ip: req.ip,
        id: req.id,
      }),
      err: pino.stdSerializers.err,
    },
  })
}
