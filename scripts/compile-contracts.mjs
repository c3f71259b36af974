#!/usr/bin/env node
// Compiles contracts/*.sol with the pinned solc npm package and writes contracts/build/<Name>.json ({abi, bytecode}).
// Settings are fixed (optimizer, EVM version, no metadata hash) so the output is byte-for-byte reproducible and the
// committed artifacts can be checked against a fresh compile:
//   node scripts/compile-contracts.mjs            write contracts/build
//   node scripts/compile-contracts.mjs --check    exit 1 when contracts/build differs from a fresh compile
//   node scripts/compile-contracts.mjs --out DIR  write to DIR instead
import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const solc = require('solc');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const contractsDir = join(root, 'contracts');
const args = process.argv.slice(2);
const check = args.includes('--check');
const outIndex = args.indexOf('--out');
const outDir = outIndex >= 0 ? resolve(args[outIndex + 1]) : join(contractsDir, 'build');

// contracts/test/*.sol are test-only contracts (a later implementation to upgrade to, say): their artifacts go to
// contracts/build/test/, which the ledger does not embed.
const sources = {};
for (const dir of ['', 'test/']) {
  for (const file of readdirSync(join(contractsDir, dir)).filter((f) => f.endsWith('.sol')).sort()) {
    sources[dir + file] = { content: readFileSync(join(contractsDir, dir, file), 'utf8') };
  }
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    // No metadata hash: it embeds source paths and would make the bytecode depend on the checkout location.
    metadata: { bytecodeHash: 'none', appendCBOR: false },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

function findImport(path) {
  const candidates = [join(root, 'node_modules', path), join(contractsDir, path)];
  for (const candidate of candidates) {
    if (existsSync(candidate)) return { contents: readFileSync(candidate, 'utf8') };
  }
  return { error: `not found: ${path}` };
}

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
for (const e of output.errors ?? []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(2);

const artifacts = {};
for (const file of Object.keys(sources)) {
  for (const [name, contract] of Object.entries(output.contracts[file] ?? {})) {
    artifacts[`${file.startsWith('test/') ? 'test/' : ''}${name}.json`] = JSON.stringify({ contractName: name, compiler: solc.version(), abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` }, null, 2) + '\n';
  }
}

if (check) {
  const stale = [];
  for (const [file, text] of Object.entries(artifacts)) {
    const path = join(outDir, file);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(file);
  }
  if (stale.length > 0) {
    console.error(`contracts/build is out of date (${stale.join(', ')}); run: node scripts/compile-contracts.mjs`);
    process.exit(1);
  }
  console.log(`contracts/build matches a fresh compile (${Object.keys(artifacts).length} artifacts)`);
} else {
  mkdirSync(join(outDir, 'test'), { recursive: true });
  for (const [file, text] of Object.entries(artifacts)) writeFileSync(join(outDir, file), text);
  console.log(`wrote ${Object.keys(artifacts).length} artifacts to ${outDir}`);
}
