// Reads an Iceberg table silt wrote with icebird (an independent JavaScript Iceberg reader) and
// prints what it saw, for tests to compare with silt's own answers:
//
//   node read_table.mjs <warehouse folder> <metadata file URI> <column>...
//
// icebird fetches every file with fetch(); the paths in silt's metadata are file:// URIs, so
// this script serves the warehouse folder over HTTP on 127.0.0.1 (Range requests included) and
// rewrites file://<warehouse>/... to http://127.0.0.1:<port>/... before each fetch.
//
// Output, one line per item:  rows=<n>  then per column  <column>: count=<non-null values>
// sum=<sum of numbers / true booleans> min=<min> max=<max> distinct=<distinct values>
// (timestamps and dates as epoch milliseconds, 64-bit integers exactly).
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { icebergRead } from 'icebird'

const [warehouseArg, metadataUri, ...columns] = process.argv.slice(2)
if (!warehouseArg || !metadataUri) {
  console.error('usage: node read_table.mjs <warehouse folder> <metadata file URI> <column>...')
  process.exit(2)
}
const root = path.resolve(warehouseArg)
const fileRoot = 'file://' + root

const server = http.createServer((req, res) => {
  // The URL path is used as it is (not decoded): object names may contain '%'.
  const rel = req.url.split('?')[0]
  const file = path.join(root, rel)
  if (!file.startsWith(root + path.sep)) {
    res.writeHead(403).end()
    return
  }
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) {
      res.writeHead(404).end()
      return
    }
    let start = 0
    let end = st.size - 1
    let status = 200
    const headers = { 'Accept-Ranges': 'bytes' }
    if (req.headers.range) {
      const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range)
      if (!m || Number(m[1]) >= st.size) {
        res.writeHead(416, { 'Content-Range': `bytes */${st.size}` }).end()
        return
      }
      start = Number(m[1])
      if (m[2] !== '') end = Math.min(Number(m[2]), end)
      status = 206
      headers['Content-Range'] = `bytes ${start}-${end}/${st.size}`
    }
    headers['Content-Length'] = String(end - start + 1)
    res.writeHead(status, headers)
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    fs.createReadStream(file, { start, end }).pipe(res)
  })
})
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${server.address().port}`

const toHttp = uri => {
  if (uri.startsWith(fileRoot + '/')) return base + uri.slice(fileRoot.length)
  if (uri.startsWith('file:')) throw new Error(`${uri} is outside the warehouse ${fileRoot}`)
  return uri
}
const realFetch = globalThis.fetch
let requests = 0
globalThis.fetch = (input, init) => {
  requests++
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  return realFetch(toHttp(url), init)
}

try {
  const slash = metadataUri.lastIndexOf('/metadata/')
  if (slash < 0) throw new Error(`not a metadata file URI: ${metadataUri}`)
  const tableUrl = toHttp(metadataUri.slice(0, slash))
  const metadataFileName = metadataUri.slice(slash + '/metadata/'.length)
  const rows = await icebergRead({ tableUrl, metadataFileName })
  console.log(`rows=${rows.length}`)
  for (const column of columns) {
    let count = 0
    let sum = 0n
    let min
    let max
    const distinct = new Set()
    for (const row of rows) {
      if (!(column in row)) throw new Error(`icebird returned no column ${column}: ${Object.keys(row)}`)
      let v = row[column]
      if (v === null || v === undefined) continue
      if (v instanceof Date) v = BigInt(v.getTime())
      else if (typeof v === 'boolean') v = v ? 1n : 0n
      else if (typeof v === 'number') v = Number.isInteger(v) ? BigInt(v) : v
      count++
      distinct.add(typeof v === 'bigint' ? v.toString() : v)
      if (typeof v === 'bigint') sum += v
      if (min === undefined || v < min) min = v
      if (max === undefined || v > max) max = v
    }
    console.log(`${column}: count=${count} sum=${sum} min=${min} max=${max} distinct=${distinct.size}`)
  }
  console.error(`read_table.mjs: ${requests} HTTP requests`)
} catch (err) {
  console.error(`read_table.mjs: ${err.stack || err}`)
  process.exitCode = 1
} finally {
  server.close()
}
