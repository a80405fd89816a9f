#!/usr/bin/env node
// An S3 client that silt did not write (the AWS SDK for JavaScript v3), for tests and benchmarks
// to cross-check silt's own S3 client against the test server (scripts/test-servers/rgw.sh).
//
//   node tests/sdk/s3.mjs <command> ...      (run tests/sdk/install.sh once first)
//
//   put <bucket> <key> <file> [--storage-class C] [--if-none-match]
//                                    PutObject of the whole file; prints the ETag
//   get <bucket> <key> <outfile|-> [--range bytes=A-B]
//                                    GetObject into a file (or standard output)
//   list <bucket> <prefix>           ListObjectsV2, every page: "key size etag" per line
//                                    (etag without its quotes)
//   upload <bucket> <key> <file> [--part-size MiB] [--queue N] [--storage-class C]
//                                    multipart upload with lib-storage's Upload (defaults: 8 MiB
//                                    parts, 4 at a time); prints JSON: bytes, seconds, mb_per_s
//                                    (MB = 10^6 bytes), part_size_mib, queue, etag
//   delete <bucket> <prefix>         deletes every object under prefix (batches of 1000) and
//                                    aborts unfinished multipart uploads there; prints JSON counts
//   head <bucket> <key>              HeadObject; prints JSON
//   assume-role <role-arn> [--session NAME] [--duration SECONDS]
//                                    STS AssumeRole on the same endpoint; prints JSON credentials
//                                    (AccessKeyId, SecretAccessKey, SessionToken, Expiration)
//
// Settings from the environment (as written by rgw.sh to <dir>/env): SILT_TEST_S3_ENDPOINT,
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN (temporary credentials),
// AWS_REGION (default us-east-1). Path-style addressing. Checksums only where an operation
// requires one: by default SDKs this new send streamed bodies as aws-chunked with a CRC, which
// RGW 16 refuses with 411.
//
// Exit status: 0 on success, 1 when a request fails (message on standard error), 2 on bad usage.

import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Upload } from '@aws-sdk/lib-storage';

const USAGE = `usage: s3.mjs <command> ...
  put <bucket> <key> <file> [--storage-class C] [--if-none-match]
  get <bucket> <key> <outfile|-> [--range bytes=A-B]
  list <bucket> <prefix>
  upload <bucket> <key> <file> [--part-size MiB] [--queue N] [--storage-class C]
  delete <bucket> <prefix>
  head <bucket> <key>
  assume-role <role-arn> [--session NAME] [--duration SECONDS]
environment: SILT_TEST_S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
             [AWS_SESSION_TOKEN], [AWS_REGION] (source the env file rgw.sh writes)`;

// Node 20 is what Debian bookworm ships; this SDK version supports it, so its notice that later
// versions will not is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

class UsageError extends Error {}
class SetupError extends Error {} // exits 2 like a usage error, without the usage text

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new SetupError(`${name} is not set (source the env file written by scripts/test-servers/rgw.sh start <dir>)`);
  }
  return value;
}

function clientConfig() {
  return {
    endpoint: env('SILT_TEST_S3_ENDPOINT'),
    region: process.env.AWS_REGION || 'us-east-1',
    credentials: {
      accessKeyId: env('AWS_ACCESS_KEY_ID'),
      secretAccessKey: env('AWS_SECRET_ACCESS_KEY'),
      ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
    },
  };
}

function s3Client() {
  return new S3Client({
    ...clientConfig(),
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

const unquote = (etag) => (etag || '').replace(/^"|"$/g, '');

function positiveNumber(value, what) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${what} must be a positive number, got "${value}"`);
  return n;
}

// Every object under prefix, across pages.
async function* listAll(s3, bucket, prefix) {
  let token;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    yield* page.Contents || [];
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

const commands = {
  async put([bucket, key, file], opts) {
    const body = await readFile(file);
    const out = await s3Client().send(new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentLength: body.length,
      ...(opts['storage-class'] ? { StorageClass: opts['storage-class'] } : {}),
      ...(opts['if-none-match'] ? { IfNoneMatch: '*' } : {}),
    }));
    console.log(unquote(out.ETag));
  },

  async get([bucket, key, outfile], opts) {
    const out = await s3Client().send(new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ...(opts.range ? { Range: opts.range } : {}),
    }));
    await pipeline(out.Body, outfile === '-' ? process.stdout : createWriteStream(outfile));
  },

  async list([bucket, prefix]) {
    const lines = [];
    for await (const o of listAll(s3Client(), bucket, prefix)) lines.push(`${o.Key} ${o.Size} ${unquote(o.ETag)}`);
    if (lines.length) process.stdout.write(lines.join('\n') + '\n');
  },

  async upload([bucket, key, file], opts) {
    const partSizeMib = positiveNumber(opts['part-size'] ?? 8, '--part-size');
    const queue = Math.floor(positiveNumber(opts.queue ?? 4, '--queue'));
    const { size } = await stat(file);
    const started = process.hrtime.bigint();
    const client = s3Client();
    const upload = new Upload({
      client,
      queueSize: queue,
      partSize: Math.round(partSizeMib * 1024 * 1024),
      leavePartsOnError: false,
      params: {
        Bucket: bucket,
        Key: key,
        Body: createReadStream(file),
        ...(opts['storage-class'] ? { StorageClass: opts['storage-class'] } : {}),
      },
    });
    const out = await upload.done();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // RGW 16 answers CompleteMultipartUpload with an empty <ETag>; HeadObject has it.
    const etag = out.ETag || (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag;
    console.log(JSON.stringify({
      bucket,
      key,
      bytes: size,
      seconds: Number(seconds.toFixed(3)),
      mb_per_s: Number((size / 1e6 / seconds).toFixed(2)),
      part_size_mib: partSizeMib,
      queue,
      etag: unquote(etag),
    }));
  },

  async delete([bucket, prefix]) {
    const s3 = s3Client();
    let deleted = 0;
    let batch = [];
    const flush = async () => {
      if (!batch.length) return;
      const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
      if (out.Errors?.length) {
        const e = out.Errors[0];
        throw new Error(`could not delete ${out.Errors.length} object(s), first ${e.Key}: ${e.Code} ${e.Message || ''}`.trim());
      }
      deleted += batch.length;
      batch = [];
    };
    // Keys are collected before deleting so that deleting does not shift the listing's pages.
    const keys = [];
    for await (const o of listAll(s3, bucket, prefix)) keys.push(o.Key);
    for (const key of keys) {
      batch.push({ Key: key });
      if (batch.length === 1000) await flush();
    }
    await flush();
    let aborted = 0;
    let keyMarker;
    let uploadIdMarker;
    for (;;) {
      const page = await s3.send(new ListMultipartUploadsCommand({
        Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker,
      }));
      for (const u of page.Uploads || []) {
        await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
        aborted++;
      }
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
    console.log(JSON.stringify({ deleted, aborted_uploads: aborted }));
  },

  async head([bucket, key]) {
    const out = await s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const { $metadata, ...fields } = out;
    console.log(JSON.stringify({ ...fields, ETag: unquote(out.ETag) }));
  },

  async 'assume-role'([roleArn], opts) {
    const sts = new STSClient(clientConfig());
    let out;
    try {
      out = await sts.send(new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: opts.session || 'silt-test',
        ...(opts.duration ? { DurationSeconds: Math.floor(positiveNumber(opts.duration, '--duration')) } : {}),
      }));
    } catch (err) {
      // RGW 16 sends STS errors as S3's <Error> document, not STS's <ErrorResponse>, so the SDK
      // finds no code in them (e.g. InvalidArgument for a DurationSeconds outside 900..3600).
      if (err.name === 'Unknown') err.message = 'an STS error whose code the SDK could not read (RGW sends S3-style <Error> XML)';
      throw err;
    }
    console.log(JSON.stringify(out.Credentials));
  },
};

const ARITY = { put: 3, get: 3, list: 2, upload: 3, delete: 2, head: 2, 'assume-role': 1 };
const OPTIONS = {
  put: ['storage-class', 'if-none-match'],
  get: ['range'],
  upload: ['part-size', 'queue', 'storage-class'],
  'assume-role': ['session', 'duration'],
};

function describe(err) {
  // RGW's error bodies carry the code but no <Message>: show the code and the HTTP status.
  const status = err.$metadata?.httpStatusCode;
  const code = err.Code || err.name;
  const message = err.message && err.message !== code && err.message !== 'UnknownError' ? `: ${err.message}` : '';
  return `${code}${message}${status ? ` (HTTP ${status})` : ''}`;
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (!Object.hasOwn(commands, command)) throw new UsageError(`unknown command "${command}"`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        'part-size': { type: 'string' },
        queue: { type: 'string' },
        'storage-class': { type: 'string' },
        'if-none-match': { type: 'boolean' },
        range: { type: 'string' },
        session: { type: 'string' },
        duration: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError(err.message);
  }
  for (const name of Object.keys(parsed.values)) {
    if (!(OPTIONS[command] || []).includes(name)) throw new UsageError(`${command} takes no --${name}`);
  }
  if (parsed.positionals.length !== ARITY[command]) {
    throw new UsageError(`${command} takes ${ARITY[command]} argument(s), got ${parsed.positionals.length}`);
  }
  await commands[command](parsed.positionals, parsed.values);
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => {
    if (err instanceof UsageError) {
      console.error(`s3.mjs: ${err.message}\n${USAGE}`);
      process.exitCode = 2;
    } else if (err instanceof SetupError) {
      console.error(`s3.mjs: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(`s3.mjs ${process.argv[2]}: ${describe(err)}`);
      process.exitCode = 1;
    }
  },
);
