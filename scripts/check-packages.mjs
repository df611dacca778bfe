// `node scripts/check-packages.mjs`: the published shape of every publishable workspace (not
// `private`, in packages/ and apps/). Each is packed with `pnpm pack` (which rewrites
// `workspace:` and `catalog:` ranges as a publish does; needs `pnpm build` first) and its tarball
// is checked by publint --strict and attw --profile esm-only (house style §9.x), plus what neither
// checks: no unpublishable range left, every bin a node script in the tarball, no stale
// dist/ file without its source, a README. One row per package; exit 1 on any problem.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)

const workspaces = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group))
    .map((dir) => join(group, dir))
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'))) }))
    .filter(({ manifest }) => manifest.private !== true),
)

/** Runs a command; resolves with its exit code and output (never rejects on a non-zero exit). */
async function sh(command, args, options = {}) {
  try {
    const { stdout, stderr } = await run(command, args, { maxBuffer: 64 << 20, ...options })
    return { code: 0, out: `${stdout}${stderr}` }
  } catch (error) {
    return { code: error.code ?? 1, out: `${error.stdout ?? ''}${error.stderr ?? error.message}` }
  }
}

/** The extra checks on a tarball's file list and packed package.json. */
function shapeProblems(manifest, files) {
  const problems = []
  const fields = ['dependencies', 'peerDependencies', 'optionalDependencies']
  for (const field of fields) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|catalog|file|link):/.test(range))
        problems.push(`${field}.${dep} is ${range}`)
    }
  }
  for (const [name, target] of Object.entries(manifest.bin ?? {})) {
    const file = target.replace(/^\.\//, '')
    if (!files.has(file)) problems.push(`bin ${name} → ${target} is not in the tarball`)
    else if (!files.get(file).startsWith('#!/usr/bin/env node')) {
      problems.push(`bin ${name} → ${target} has no #!/usr/bin/env node line`)
    }
  }
  for (const file of files.keys()) {
    const source = file.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')
    // dist/chunks/ is the bundler's output (the CLI bin's lazily loaded command bodies);
    // dist/web/ is @df/ui's SPA, built by Vite from web/ (not shipped as source).
    const generated = file.startsWith('dist/chunks/') || file.startsWith('dist/web/')
    if (/^dist\/.*\.js$/.test(file) && !generated && !files.has(source)) {
      problems.push(`stale ${file}`)
    }
  }
  if (!files.has('README.md')) problems.push('no README.md')
  return problems
}

async function check({ dir, manifest }, dest) {
  const packed = await sh('pnpm', ['pack', '--json', '--pack-destination', dest], {
    cwd: join(root, dir),
  })
  if (packed.code !== 0) return { name: manifest.name, problems: [`pnpm pack: ${packed.out}`] }
  const tarball = JSON.parse(packed.out.slice(packed.out.indexOf('{'))).filename
  const unpacked = mkdtempSync(join(dest, 'unpacked-'))
  await sh('tar', ['xzf', tarball, '-C', unpacked])
  const files = new Map()
  const walk = (at, prefix) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name)
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`)
      else files.set(`${prefix}${entry.name}`, readFileSync(path, 'utf8').slice(0, 64))
    }
  }
  walk(join(unpacked, 'package'), '')
  const packedManifest = JSON.parse(readFileSync(join(unpacked, 'package', 'package.json')))
  const [publint, attw] = await Promise.all([
    sh(bin('publint'), ['run', tarball, '--strict']),
    sh(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color']),
  ])
  const problems = shapeProblems(packedManifest, files)
  if (publint.code !== 0) problems.push(`publint --strict:\n${publint.out.trim()}`)
  if (attw.code !== 0) problems.push(`attw --profile esm-only:\n${attw.out.trim()}`)
  return { name: manifest.name, files: files.size, problems }
}

const dest = mkdtempSync(join(tmpdir(), 'df-check-packages-'))
const results = []
try {
  const queue = [...workspaces]
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) results.push(await check(next, dest))
  }
  await Promise.all([worker(), worker(), worker()])
} finally {
  rmSync(dest, { recursive: true, force: true })
}
results.sort((a, b) => a.name.localeCompare(b.name))
const width = Math.max(...results.map((r) => r.name.length))
console.log(`${'package'.padEnd(width)}  files  publint+attw+shape`)
for (const r of results) {
  console.log(
    `${r.name.padEnd(width)}  ${String(r.files ?? '-').padStart(5)}  ${r.problems.length === 0 ? 'ok' : `${r.problems.length} problem(s)`}`,
  )
}
const failed = results.filter((r) => r.problems.length > 0)
for (const r of failed) console.log(`\n${r.name}:\n${r.problems.map((p) => `- ${p}`).join('\n')}`)
console.log(`\n${results.length} packages checked, ${failed.length} with problems`)
process.exitCode = failed.length > 0 ? 1 : 0
