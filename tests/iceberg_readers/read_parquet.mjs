// An independent check of the data files silt writes for Iceberg tables, with hyparquet (npm,
// pinned in package-lock.json): for each Parquet file given, reads every row (zstd through
// hyparquet-compressors) and the footer, and prints one JSON line:
//   {"file", "rows" (rows read), "footer_rows", "field_ids": {column: id}, "iceberg_schema_ids": {column: id}}
// so a test can check that the rows are readable and that each column's Parquet field id is
// the id the table's schema (the iceberg.schema key/value entry) gives it.
//
//   node read_parquet.mjs <file.parquet>...
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'

for (const file of process.argv.slice(2)) {
  const buf = await asyncBufferFromFile(file)
  const meta = await parquetMetadataAsync(buf)
  const rows = await parquetReadObjects({ file: buf, compressors })
  const fieldIds = {}
  for (const el of meta.schema.slice(1)) fieldIds[el.name] = el.field_id ?? null
  const kv = Object.fromEntries((meta.key_value_metadata ?? []).map(e => [e.key, e.value]))
  const icebergIds = {}
  if (kv['iceberg.schema']) {
    for (const f of JSON.parse(kv['iceberg.schema']).fields) icebergIds[f.name] = f.id
  }
  console.log(JSON.stringify({
    file,
    rows: rows.length,
    footer_rows: Number(meta.num_rows),
    field_ids: fieldIds,
    iceberg_schema_ids: icebergIds,
  }))
}
