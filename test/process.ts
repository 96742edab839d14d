// Running the `jamsos` command as a user would: a child process with an environment of its own
// (none of the test run's database settings), its output collected.
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { projectRoot } from '../src/platform/config.ts'

/** The environment a user's shell would give: the test run's database settings removed. */
export function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const k of Object.keys(env)) if (k === 'DATABASE_URL' || k.startsWith('JAMSOS_') || k === 'LOG_LEVEL') delete env[k]
  return { ...env, JAMSOS_SCRYPT_COST: '1024', ...extra }
}

export interface Jamsos {
  child: ChildProcess
  /** Everything written so far to stdout and stderr. */
  output(): string
  /** Resolves with the exit status once the process ends. */
  exited: Promise<number | null>
}

/** Starts `node bin/jamsos.js <args>` in a checkout (this one unless given). */
export function jamsos(args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): Jamsos {
  const cwd = opts.cwd ?? projectRoot
  const child = spawn(process.execPath, [path.join(cwd, 'bin', 'jamsos.js'), ...args], { cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')))
  child.stderr!.on('data', (b: Buffer) => (out += b.toString('utf8')))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return { child, output: () => out, exited }
}

/** Runs a command to its end. */
export async function runJamsos(args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<{ code: number | null; output: string }> {
  const j = jamsos(args, opts)
  const code = await j.exited
  return { code, output: j.output() }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Waits until the server answers /readyz with 200; fails at once if it exits first. */
export async function untilReady(j: Jamsos, base: string): Promise<void> {
  let gone = false
  void j.exited.then(() => (gone = true))
  for (;;) {
    if (gone) throw new Error(`jamsos exited before it was ready:\n${j.output()}`)
    const status = await fetch(`${base}/readyz`).then((r) => r.status, () => 0)
    if (status === 200) return
    await pause(100)
  }
}
