// tests/differential/mlkem_node.mjs — our ML-KEM-768/1024 (src/crypto/mlkem.c, driven through
// tests/differential/mlkem_cli) against an independent implementation, the npm package
// `mlkem` (TypeScript, its own SHA-3), which scripts/setup.sh installs pinned into .deps/npm.
//
//   node mlkem_node.mjs PATH/TO/mlkem_cli PATH/TO/.deps/npm [trials per set]
//
// For each parameter set and many random seeds d, z, m:
//   - key generation from the same (d, z): ek and dk equal byte for byte;
//   - encapsulation to that ek with the same m: ciphertext and secret equal byte for byte;
//   - each side decapsulates the other's ciphertext to the same secret;
//   - random directions: the package encapsulates (its own randomness) to our ek and we
//     decapsulate; we encapsulate to a key pair the package generated at random and it
//     decapsulates;
//   - implicit rejection: a ciphertext with one byte changed decapsulates on both sides to
//     the same secret, which is not the real one;
//   - the modulus check (FIPS 203 §7.2): an ek with a coefficient >= q is refused by both.
// Missing node or package is a failure, not a skip: setup.sh installs them.
import { spawnSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import path from "node:path";

const [cli, npmDir, trialsArg] = process.argv.slice(2);
if (!cli || !npmDir) {
  console.error("usage: node mlkem_node.mjs MLKEM_CLI NPM_PREFIX [TRIALS]");
  process.exit(2);
}
const pkgJson = path.join(npmDir, "node_modules", "mlkem", "package.json");
if (!existsSync(pkgJson)) {
  console.error(`FAIL: no npm package mlkem under ${npmDir} (run scripts/setup.sh)`);
  process.exit(1);
}
const require = createRequire(path.join(path.resolve(npmDir), "package.json"));
const pkgVersion = require("mlkem/package.json").version;
const { MlKem768, MlKem1024 } = require("mlkem");
const TRIALS = Number(trialsArg || 150);
const hex = (b) => Buffer.from(b).toString("hex");
const unhex = (s) => new Uint8Array(Buffer.from(s, "hex"));

let passed = 0;
let failed = 0;
const failures = [];
function check(cond, what, detail) {
  if (cond) {
    passed++;
  } else {
    failed++;
    if (failures.length < 10) failures.push(`${what}${detail ? `\n    ${detail}` : ""}`);
  }
}

// One run of the C helper over every request line; returns its answer lines.
function ours(requests) {
  const r = spawnSync(cli, [], {
    input: requests.join("\n") + "\n",
    maxBuffer: 1 << 30,
    encoding: "utf8",
    timeout: 120000,
  });
  if (r.error || r.status !== 0) {
    console.error(`FAIL: ${cli} failed: ${r.error || `exit ${r.status}`}\n${r.stderr}`);
    process.exit(1);
  }
  const lines = r.stdout.split("\n").filter((l) => l.length > 0);
  if (lines.length !== requests.length) {
    console.error(`FAIL: ${requests.length} requests, ${lines.length} answers`);
    process.exit(1);
  }
  return lines.map((l) => l.split(" "));
}

// ek with the coefficient at index i (12 bits, little-endian pairs in 3 bytes) set to v.
function withCoefficient(ek, i, v) {
  const out = new Uint8Array(ek);
  const o = Math.floor(i / 2) * 3;
  if (i % 2 === 0) {
    out[o] = v & 0xff;
    out[o + 1] = (out[o + 1] & 0xf0) | (v >> 8);
  } else {
    out[o + 1] = (out[o + 1] & 0x0f) | ((v & 0x0f) << 4);
    out[o + 2] = v >> 4;
  }
  return out;
}

async function runSet(name, Kem, set, k) {
  const kem = new Kem();
  const trials = [];
  const req = [];
  for (let t = 0; t < TRIALS; t++) {
    const d = randomBytes(32);
    const z = randomBytes(32);
    const m = randomBytes(32);
    const m2 = randomBytes(32);
    const [ek, dk] = await kem.deriveKeyPair(new Uint8Array(Buffer.concat([d, z])));
    const [ct, ss] = await kem.encap(ek, new Uint8Array(m));
    const [ctR, ssR] = await kem.encap(ek); // the package's own randomness
    const [ekR, dkR] = await kem.generateKeyPair();
    const bad = new Uint8Array(ct);
    const at = randomInt(ct.length);
    bad[at] ^= 1 + randomInt(255);
    const ssBadTheirs = await kem.decap(bad, dk);
    const coef = randomInt(256 * k);
    const q = 3329 + randomInt(4096 - 3329); // any 12-bit value >= q
    const ekBad = withCoefficient(ek, coef, q);
    let theirsRefused = false;
    try {
      await kem.encap(ekBad, new Uint8Array(m));
    } catch {
      theirsRefused = true;
    }
    const base = req.length;
    req.push(`keygen ${set} ${hex(d)} ${hex(z)}`);
    req.push(`encaps ${set} ${hex(ek)} ${hex(m)}`);
    req.push(`decaps ${set} ${hex(dk)} ${hex(ct)}`);
    req.push(`decaps ${set} ${hex(dk)} ${hex(ctR)}`);
    req.push(`encaps ${set} ${hex(ekR)} ${hex(m2)}`);
    req.push(`decaps ${set} ${hex(dk)} ${hex(bad)}`);
    req.push(`encaps ${set} ${hex(ekBad)} ${hex(m)}`);
    trials.push({ d, z, m, ek, dk, ct, ss, ssR, dkR, at, ssBadTheirs, coef, q, theirsRefused, base });
  }
  const ans = ours(req);
  for (const [t, x] of trials.entries()) {
    const a = (i) => ans[x.base + i];
    const id = `${name} trial ${t} (d=${hex(x.d)} z=${hex(x.z)} m=${hex(x.m)})`;
    check(a(0)[0] === "ok" && a(0)[1] === hex(x.ek), `${id}: ek differs`);
    check(a(0)[0] === "ok" && a(0)[2] === hex(x.dk), `${id}: dk differs`);
    check(a(1)[0] === "ok" && a(1)[1] === hex(x.ct), `${id}: ciphertext differs`);
    check(a(1)[0] === "ok" && a(1)[2] === hex(x.ss), `${id}: encapsulated secret differs`);
    check(a(2)[0] === "ok" && a(2)[1] === hex(x.ss), `${id}: we decapsulate its ciphertext to another secret`);
    if (a(1)[0] === "ok") {
      const theirs = await kem.decap(unhex(a(1)[1]), x.dk);
      check(hex(theirs) === a(1)[2], `${id}: it decapsulates our ciphertext to another secret`);
    } else {
      check(false, `${id}: encaps failed: ${a(1).join(" ")}`);
    }
    check(a(3)[0] === "ok" && a(3)[1] === hex(x.ssR), `${id}: its random encapsulation to our ek differs`);
    if (a(4)[0] === "ok") {
      const theirs = await kem.decap(unhex(a(4)[1]), x.dkR);
      check(hex(theirs) === a(4)[2], `${id}: our encapsulation to its random ek differs`);
    } else {
      check(false, `${id}: encaps to its random ek failed: ${a(4).join(" ")}`);
    }
    check(
      a(5)[0] === "ok" && a(5)[1] === hex(x.ssBadTheirs) && a(5)[1] !== hex(x.ss),
      `${id}: implicit rejection (byte ${x.at} changed) differs`,
      `ours ${a(5).join(" ")} theirs ${hex(x.ssBadTheirs)} real ${hex(x.ss)}`,
    );
    check(
      x.theirsRefused && a(6).join(" ") === "error bad_key_share",
      `${id}: ek with coefficient ${x.coef} = ${x.q}: refused by it ${x.theirsRefused}, by us: ${a(6).join(" ")}`,
    );
  }
  console.log(`${name}: ${TRIALS} seeds, keys, ciphertexts and secrets byte for byte equal in both directions`);
}

// The helper's answers depend on what they should: ek on d but not on z.
{
  const z = randomBytes(32);
  const kem = new MlKem768();
  const d = randomBytes(32);
  const [ek] = await kem.deriveKeyPair(new Uint8Array(Buffer.concat([d, z])));
  const other = randomBytes(32);
  const [a] = ours([`keygen 768 ${hex(d)} ${hex(other)}`]);
  // z does not enter ek: the same d with another z gives the same ek...
  if (a[1] !== hex(ek)) {
    console.error("FAIL: ek depends on z");
    process.exit(1);
  }
  // ...but another d gives another ek.
  const [b] = ours([`keygen 768 ${hex(randomBytes(32))} ${hex(z)}`]);
  if (b[1] === hex(ek)) {
    console.error("FAIL: ek does not depend on d");
    process.exit(1);
  }
}

await runSet("ML-KEM-768", MlKem768, "768", 3);
await runSet("ML-KEM-1024", MlKem1024, "1024", 4);
for (const f of failures) console.error(`FAIL: ${f}`);
console.log(`mlkem ${pkgVersion} (npm) vs src/crypto/mlkem.c`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
