// Recomputes the worked examples of docs/verification.md from that document alone: SHA-256 from Node's crypto,
// keccak-256 from Foundry's cast. It imports nothing of Sankofa, on purpose: it is what a third party would write.
// Usage: node docs/verification/check.mjs docs/verification.md [path/to/cast] [--fill]
// --fill writes the recomputed value into every field written as `?` (for writing a new example), then checks as usual.
import { createHash, createHmac, createPublicKey, verify } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fill = process.argv.includes('--fill');
const [doc, cast = 'cast'] = process.argv.slice(2).filter((a) => a !== '--fill');
const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const hex = (b) => '0x' + b.toString('hex');
const bytes = (h) => Buffer.from(h.replace(/^0x/, ''), 'hex');
const u64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; };
const str = (s) => { const v = Buffer.from(s, 'utf8'); const l = Buffer.alloc(4); l.writeUInt32BE(v.length); return Buffer.concat([l, v]); };

// Tree as the document states it: interior node SHA256(0x01 ‖ left ‖ right), an odd last node promoted unchanged.
function levels(leaves) {
  const all = [leaves];
  while (all.at(-1).length > 1) {
    const level = all.at(-1), next = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? sha256(Buffer.from([1]), level[i], level[i + 1]) : level[i]);
    }
    all.push(next);
  }
  return all;
}

function rootFromProof(leaf, index, count, proof) {
  let node = leaf, position = index, width = count, offset = 0;
  while (width > 1) {
    if ((position ^ 1) < width) {
      const sibling = proof.subarray(offset, offset + 32);
      offset += 32;
      node = position % 2 === 0 ? sha256(Buffer.from([1]), node, sibling) : sha256(Buffer.from([1]), sibling, node);
    }
    position = Math.floor(position / 2);
    width = Math.ceil(width / 2);
  }
  return offset === proof.length ? node : null;
}

const run = (...args) => execFileSync(cast, args).toString().trim();
const i64 = u64;
const word = (b) => Buffer.concat([Buffer.alloc(32 - b.length), b]);
const uint = (n) => { const h = BigInt(n).toString(16); return word(bytes(h.length % 2 ? '0' + h : h)); };

// Billing (docs/billing.md): tiers and dimensions in the documented order, rounding half to even in integers.
const TIERS = ['core', 'regional', 'edge'];
const DIMENSIONS = ['vcpu-hour', 'ram-gib-hour', 'disk-gib-hour'];
const roundHalfEven = (numerator, denominator) => {
  const q = numerator / denominator, twice = 2n * (numerator % denominator);
  return twice > denominator || (twice === denominator && q % 2n === 1n) ? q + 1n : q;
};
const priceBookBytes = (f) => {
  const prices = JSON.parse(f.prices).sort((a, b) => TIERS.indexOf(a[0]) - TIERS.indexOf(b[0]) || DIMENSIONS.indexOf(a[1]) - DIMENSIONS.indexOf(b[1]));
  return Buffer.concat([Buffer.from('sankofa.price-book.v1', 'utf8'), u64(f.version), u64(f.effective_from), str(f.currency), u64(f.minor_digits),
    u64(prices.length), ...prices.flatMap(([tier, dimension, rate]) => [str(tier), str(dimension), u64(rate)])]);
};
const TARGET_PPM = { core: 999900n, regional: 999000n, edge: 995000n };
const creditPercent = (tier, expected, down) => {
  const up = (expected - down) * 1000000n, below = (ppm) => up < ppm * expected;
  return below(950000n) ? 100n : below(TARGET_PPM[tier] - 10000n) ? 25n : below(TARGET_PPM[tier]) ? 10n : 0n;
};
function invoice(f) {
  const rate = Object.fromEntries(JSON.parse(f.prices).map(([tier, dimension, r]) => [`${tier} ${dimension}`, BigInt(r)]));
  const hourMicro = 3600n * 1000000n;
  const lines = JSON.parse(f.usage).map(([project, resource, tier, ...used]) => {
    const [seconds, vcpu, ramMiB, diskGiB] = used.map(BigInt);
    const amounts = [roundHalfEven(vcpu * rate[`${tier} vcpu-hour`], hourMicro), roundHalfEven(ramMiB * rate[`${tier} ram-gib-hour`], hourMicro * 1024n),
      roundHalfEven(diskGiB * rate[`${tier} disk-gib-hour`], hourMicro)];
    return { project, resource, tier, numbers: [seconds, vcpu, ramMiB, diskGiB, ...amounts], amount: amounts[0] + amounts[1] + amounts[2] };
  }).sort((a, b) => (a.project < b.project ? -1 : a.project > b.project ? 1 : a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
  const credits = JSON.parse(f.availability).sort((a, b) => (a[0] < b[0] ? -1 : 1)).flatMap(([resource, e, d]) => {
    const line = lines.find((l) => l.resource === resource);
    const [expected, down] = [BigInt(e), BigInt(d)];
    const percent = line ? creditPercent(line.tier, expected, down) : 0n;
    return percent > 0n ? [{ resource, numbers: [expected, down, TARGET_PPM[line.tier], percent, roundHalfEven(line.amount * percent, 100n)] }] : [];
  });
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0n), creditTotal = credits.reduce((sum, c) => sum + c.numbers[4], 0n);
  const tax = roundHalfEven((subtotal - creditTotal) * BigInt(f.tax_basis_points), 10000n);
  const total = subtotal - creditTotal + tax;
  const hashed = Buffer.concat([Buffer.from('sankofa.invoice.v1', 'utf8'), str(f.id), str(f.tenant), u64(f.period_start), u64(f.period_end),
    u64(f.price_book_version), str(f.currency), u64(f.minor_digits), bytes(f.usage_roots), u64(f.tax_basis_points),
    u64(lines.length), ...lines.flatMap((l) => [str(l.project), str(l.resource), str(l.tier), ...l.numbers.map(u64)]),
    u64(credits.length), ...credits.flatMap((c) => [str(c.resource), ...c.numbers.map(u64)]),
    u64(subtotal), u64(creditTotal), u64(tax), u64(total)]);
  const json = (rows) => JSON.stringify(rows.map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v))));
  return {
    lines: json(lines.map((l) => [l.project, l.resource, l.tier, ...l.numbers])),
    credits: json(credits.map((c) => [c.resource, ...c.numbers])),
    subtotal: String(subtotal), credit_total: String(creditTotal), tax: String(tax), total: String(total),
    hashed_bytes: hex(hashed), hash: hex(sha256(hashed)),
  };
}
// A sealed tenant-hour's payload: rows ascending by resource id, these keys in this order, no spaces.
const tenantHour = (f) => {
  const rows = JSON.parse(f.rows).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const payload = JSON.stringify({ tenantId: f.tenant, hourStart: Number(f.hour_start), resources: rows });
  return { payload, payload_hash: hex(sha256(Buffer.from(payload, 'utf8'))) };
};
const plus = (slot, n) => '0x' + (BigInt(slot) + BigInt(n)).toString(16).padStart(64, '0');

const checks = {
  'price-book-hash': (f) => { const hashed = priceBookBytes(f); return { hashed_bytes: hex(hashed), hash: hex(sha256(hashed)) }; },
  'invoice-hash': invoice,
  'usage-roots': (f) => {
    const batches = JSON.parse(f.batches).sort((a, b) => a[0] - b[0]);
    const encoded = Buffer.concat([Buffer.from('sankofa.usage-roots.v1', 'utf8'), u64(batches.length), ...batches.flatMap(([id, root]) => [u64(id), bytes(root)])]);
    return { encoded: hex(encoded), usage_roots: hex(sha256(encoded)) };
  },
  'usage-hours': tenantHour,
  'availability-hours': tenantHour,
  'asset-hash': (f) => {
    const firmware = JSON.parse(f.firmware);
    const hashed = Buffer.concat([Buffer.from('sankofa.asset.v1', 'utf8'), ...[f.id, f.kind, f.manufacturer, f.model, f.serial, f.server_id ?? '', f.host_id ?? ''].map(str),
      u64(firmware.length), ...firmware.flatMap(([component, version]) => [str(component), str(version)])]);
    return { hashed_bytes: hex(hashed), hash: hex(sha256(hashed)) };
  },
  'proposal-id': (f) => {
    const descriptionHash = run('keccak', f.description);
    const encoded = run('abi-encode', 'f(address[],uint256[],bytes[],bytes32)', `[${JSON.parse(f.targets)}]`, `[${JSON.parse(f.values)}]`,
      `[${JSON.parse(f.payloads)}]`, descriptionHash);
    return { description_hash: descriptionHash, encoded, proposal_id: run('keccak', encoded) };
  },
  'site-key-rotation-digest': (f) => {
    const encoded = run('abi-encode', 'f(bytes32,address,uint256,bytes32,address,address)', run('keccak', f.tag), f.registry, f.chain_id,
      run('keccak', f.site), f.old_key, f.new_key);
    return { encoded, digest: run('keccak', encoded) };
  },
  'link-digest': (f) => {
    const encoded = run('abi-encode', 'f(bytes32,uint256,address,bytes32,bytes32)', run('keccak', f.tag), f.chain_id, f.registry,
      run('keccak', f.site), f.nonce);
    return { encoded, digest: run('keccak', encoded) };
  },
  'registry-slots': (f) => {
    const header = run('index', 'bytes32', run('keccak', f.resource), '0');
    return { site_key_slot: run('index', 'bytes32', run('keccak', f.site), '2'), resource_header_slot: header,
      spec_hash_slot: plus(header, 1), placed_site_slot: plus(header, 2) };
  },
  // A VC-JWT: header and claims as the document lays them out, signed ES256K over SHA-256 of the signing input (cast signs
  // the hash deterministically, RFC 6979); Node's OpenSSL then verifies it against the issuer's public key.
  'vc-jwt': (f) => {
    const header = JSON.stringify({ alg: 'ES256K', typ: 'JWT', kid: `${f.issuer}#controller` });
    const subject = { id: f.subject, role: f.role, ...(f.scope ? { scope: f.scope } : {}) };
    const payload = JSON.stringify({ iss: f.issuer, sub: f.subject, nbf: Number(f.valid_from), iat: Number(f.issued_at), exp: Number(f.valid_until),
      jti: f.id, vc: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential', 'SankofaRoleCredential'], credentialSubject: subject } });
    const signingInput = `${Buffer.from(header).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
    const hash = sha256(Buffer.from(signingInput, 'ascii'));
    const signature = bytes(run('wallet', 'sign', '--no-hash', '--private-key', f.private_key, hex(hash))).subarray(0, 64);
    const publicKey = bytes(run('wallet', 'public-key', '--private-key', f.private_key));
    const address = '0x' + run('keccak', hex(publicKey)).slice(-40);
    const key = createPublicKey({ key: { kty: 'EC', crv: 'secp256k1', x: publicKey.subarray(0, 32).toString('base64url'), y: publicKey.subarray(32).toString('base64url') }, format: 'jwk' });
    const valid = verify('sha256', Buffer.from(signingInput, 'ascii'), { key, dsaEncoding: 'ieee-p1363' }, signature);
    return { header, payload, signing_input_sha256: hex(hash), jwt: `${signingInput}.${signature.toString('base64url')}`,
      issuer_address: valid && f.issuer.endsWith(address) ? address : 'a key the signature does not verify under' };
  },
  'keccak-id': (f) => ({ id32: run('keccak', f.id) }),
  'spec-hash': (f) => {
    const keys = JSON.parse(f.ssh_keys).map((k) => k.trim()).filter((k) => k.length > 0).sort();
    const hashed = Buffer.concat([Buffer.from('sankofa.resource-spec.v1', 'utf8'), i64(f.vcpu), i64(f.ram_mib), i64(f.disk_gib),
      str(f.template), str(f.cloud_init_user ?? ''), i64(keys.length), ...keys.map(str)]);
    return { hashed_bytes: hex(hashed), spec_hash: hex(sha256(hashed)) };
  },
  'site-key-digest': (f) => {
    const encoded = Buffer.concat([bytes(run('keccak', f.tag)), word(bytes(f.registry)), uint(f.chain_id),
      bytes(run('keccak', f.site)), word(bytes(f.key))]);
    return { encoded: hex(encoded), digest: run('keccak', hex(encoded)) };
  },
  'attestation-digest': (f) => {
    const encoded = Buffer.concat([word(bytes(f.registry)), uint(f.chain_id),
      bytes(run('keccak', f.resource)), bytes(f.spec_hash), uint(f.site_attestations)]);
    return { encoded: hex(encoded), digest: run('keccak', hex(encoded)) };
  },
  'subject-hash': (f) => ({ subject_hash: hex(createHmac('sha256', bytes(f.salt)).update(Buffer.from(f.subject, 'utf8')).digest()) }),
  // EIP-712 for the static types the contracts use (bytes32, uintN, bool, address) and strings (hashed), from the type string.
  'eip712': (f) => {
    const [, primary, list] = f.type.match(/^(\w+)\((.*)\)$/);
    const fields = list.split(',').map((p) => { const [type, name] = p.split(' '); return { name, type }; });
    const message = JSON.parse(f.message);
    const domainSeparator = run('keccak', run('abi-encode', 'f(bytes32,bytes32,bytes32,uint256,address)',
      run('keccak', 'EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'),
      run('keccak', f.domain_name), run('keccak', f.domain_version), f.chain_id, f.verifying_contract));
    const encoded = fields.map((p) => (p.type === 'string' ? run('keccak', message[p.name]) : String(message[p.name])));
    const structHash = run('keccak', run('abi-encode', `f(bytes32,${fields.map((p) => (p.type === 'string' ? 'bytes32' : p.type)).join(',')})`,
      run('keccak', f.type), ...encoded));
    const digest = run('keccak', hex(Buffer.concat([Buffer.from([0x19, 0x01]), bytes(domainSeparator), bytes(structHash)])));
    // The signature through cast's own EIP-712 encoder of the typed data, not through the digest above.
    const dir = mkdtempSync(join(tmpdir(), 'sankofa-guide-'));
    const file = join(dir, 'typed-data.json');
    writeFileSync(file, JSON.stringify({
      types: {
        EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'version', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }],
        [primary]: fields,
      },
      primaryType: primary,
      domain: { name: f.domain_name, version: f.domain_version, chainId: Number(f.chain_id), verifyingContract: f.verifying_contract },
      message,
    }));
    const signature = run('wallet', 'sign', '--private-key', f.private_key, '--data', '--from-file', file);
    rmSync(dir, { recursive: true });
    return { domain_separator: domainSeparator, struct_hash: structHash, digest, signature };
  },
  'eip191-signature': (f) => ({
    address: run('wallet', 'address', '--private-key', f.private_key),
    signed_hash: run('keccak', hex(Buffer.concat([Buffer.from('\x19Ethereum Signed Message:\n32', 'latin1'), bytes(f.digest)]))),
    signature: run('wallet', 'sign', '--private-key', f.private_key, f.digest),
  }),
  'audit-entry': (f) => {
    const payloadHash = sha256(Buffer.from(f.payload, 'utf8'));
    const hashed = Buffer.concat([Buffer.from([0]), u64(f.sequence), u64(f.time_ms), str(f.actor), str(f.action), str(f.subject),
      payloadHash, bytes(f.previous_hash)]);
    return { payload_hash: hex(payloadHash), hashed_bytes: hex(hashed), hash: hex(sha256(hashed)) };
  },
  'merkle': (f) => {
    const leaves = f.leaves.split(/\s+/).map(bytes);
    const tree = levels(leaves);
    const out = { root: hex(tree.at(-1)[0]), node_0_1: hex(tree[1][0]) };
    leaves.forEach((leaf, i) => {
      // The proof the document gives must take the leaf to the root; and it must be the siblings, level by level.
      const proof = bytes(f[`proof_${i}`]);
      const root = rootFromProof(leaf, i, leaves.length, proof);
      out[`proof_${i}`] = root && root.equals(tree.at(-1)[0]) ? f[`proof_${i}`] : `does not lead to the root`;
    });
    return out;
  },
};

const blockPattern = /^```verify ([\w-]+)\n([\s\S]*?)^```$/gm;
if (fill) {
  writeFileSync(doc, readFileSync(doc, 'utf8').replace(blockPattern, (block, kind, body) => {
    if (!/: \?$/m.test(body)) return block;
    const fields = Object.fromEntries(body.trim().split('\n').map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]));
    const computed = checks[kind](fields);
    return block.replace(/^(\w+): \?$/gm, (line, name) => (name in computed ? `${name}: ${computed[name]}` : line));
  }));
}
const text = readFileSync(doc, 'utf8');
const blocks = [...text.matchAll(blockPattern)];
let failures = 0;
for (const [, kind, body] of blocks) {
  const fields = Object.fromEntries(body.trim().split('\n').map((line) => {
    const at = line.indexOf(': ');
    return [line.slice(0, at), line.slice(at + 2)];
  }));
  const check = checks[kind];
  if (!check) { console.log(`unknown example kind ${kind}`); failures++; continue; }
  for (const [name, value] of Object.entries(check(fields))) {
    if (fields[name] !== value) {
      console.log(`${kind} ${JSON.stringify(fields).slice(0, 80)}…: ${name} is ${fields[name]} in the document, ${value} recomputed`);
      failures++;
    }
  }
}
console.log(`${blocks.length} examples checked, ${failures} mismatches`);
process.exit(failures === 0 && blocks.length > 0 ? 0 : 1);
