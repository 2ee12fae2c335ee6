#include "store/signed_note.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "store/record.h"
#include "store/status_macros.h"

namespace hotline::store {
namespace {

constexpr unsigned char kAlgEd25519 = 0x01;
constexpr size_t kEd25519KeyBytes = 32;
constexpr size_t kEd25519SigBytes = 64;
constexpr absl::string_view kSigPrefix = "\xE2\x80\x94 ";  // em dash, space
constexpr absl::string_view kSignerPrefix = "PRIVATE+KEY+";

// ---------------------------------------------------------------- text rules

// Length of the valid UTF-8 sequence at the start of `s`, its code point in
// *cp; 0 when the bytes are not valid UTF-8 (truncated, overlong, a
// surrogate, beyond U+10FFFF). Written out because the notes must be refused
// exactly where Go's unicode/utf8 refuses them.
size_t DecodeUtf8(absl::string_view s, char32_t* cp) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto cont = [&](size_t i) {
    return i < s.size() && (b(i) & 0xC0) == 0x80;
  };
  if (s.empty()) return 0;
  const unsigned char c = b(0);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t n;
  char32_t v, min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, v = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, v = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, v = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  for (size_t i = 1; i < n; ++i) {
    if (!cont(i)) return 0;
    v = (v << 6) | (b(i) & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

// The Unicode White_Space characters (what Go's unicode.IsSpace reports),
// which the signed-note spec forbids in key names.
bool IsUnicodeSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// OK when `s` is valid UTF-8 with no control character but "\n"; the error
// names `what` and the byte offset.
absl::Status CheckNoteChars(absl::string_view s, absl::string_view what) {
  for (size_t i = 0; i < s.size();) {
    char32_t c;
    const size_t n = DecodeUtf8(s.substr(i), &c);
    if (n == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " is not valid UTF-8 at byte ", i));
    }
    if (c < 0x20 && c != '\n') {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " has control character 0x",
                       absl::BytesToHexString(s.substr(i, 1)), " at byte ", i));
    }
    i += n;
  }
  return absl::OkStatus();
}

// Key names: non-empty UTF-8 with no '+', Unicode space or control character.
absl::Status CheckKeyName(absl::string_view name, absl::string_view what) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": key name is empty"));
  }
  const std::string quoted = absl::StrCat("\"", absl::CHexEscape(name), "\"");
  for (size_t i = 0; i < name.size();) {
    char32_t c;
    const size_t n = DecodeUtf8(name.substr(i), &c);
    if (n == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": key name ", quoted, " is not valid UTF-8"));
    }
    if (c == '+') {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": key name ", quoted, " contains '+'"));
    }
    if (c < 0x20 || IsUnicodeSpace(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": key name ", quoted,
                       " contains a space or control character"));
    }
    i += n;
  }
  return absl::OkStatus();
}

// Standard base64 with padding, refusing every other spelling of the same
// bytes (Abseil's decoder is lenient about padding) so that one key or
// signature has exactly one text.
bool DecodeBase64(absl::string_view in, std::string* out) {
  return absl::Base64Unescape(in, out) && absl::Base64Escape(*out) == in;
}

std::string Hex8(uint32_t v) {
  const unsigned char be[4] = {
      static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
      static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(be), 4));
}

bool ParseHex8(absl::string_view s, uint32_t* v) {
  if (s.size() != 8) return false;
  uint32_t r = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    r = (r << 4) | static_cast<uint32_t>(d);
  }
  *v = r;
  return true;
}

std::string BigEndian32(uint32_t v) {
  return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
}

uint32_t ReadBigEndian32(absl::string_view s) {
  const auto b = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(s[i]));
  };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

// ------------------------------------------------------------ OpenSSL calls

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Pkey PrivateKey(absl::string_view seed) {
  return Pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                           Bytes(seed), seed.size()));
}

absl::StatusOr<std::string> PublicKeyOfSeed(absl::string_view seed) {
  Pkey pkey = PrivateKey(seed);
  std::string pub(kEd25519KeyBytes, '\0');
  size_t len = pub.size();
  if (pkey == nullptr ||
      EVP_PKEY_get_raw_public_key(pkey.get(),
                                  reinterpret_cast<unsigned char*>(pub.data()),
                                  &len) != 1 ||
      len != kEd25519KeyBytes) {
    return absl::InternalError(
        "OpenSSL could not derive an Ed25519 public key");
  }
  return pub;
}

absl::StatusOr<std::string> Ed25519Sign(absl::string_view seed,
                                        absl::string_view msg) {
  Pkey pkey = PrivateKey(seed);
  MdCtx ctx(EVP_MD_CTX_new());
  std::string sig(kEd25519SigBytes, '\0');
  size_t len = sig.size();
  // Ed25519 hashes internally, so the digest is null (RFC 8032 PureEdDSA).
  if (pkey == nullptr || ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) !=
          1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()),
                     &len, Bytes(msg), msg.size()) != 1 ||
      len != kEd25519SigBytes) {
    return absl::InternalError("OpenSSL could not make an Ed25519 signature");
  }
  return sig;
}

bool Ed25519Verify(absl::string_view public_key, absl::string_view msg,
                   absl::string_view sig) {
  Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                        Bytes(public_key), public_key.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  return pkey != nullptr && ctx != nullptr &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr,
                              pkey.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), Bytes(sig), sig.size(), Bytes(msg),
                          msg.size()) == 1;
}

// ------------------------------------------------------------------- keys

// "<name>+<hash>+<base64(0x01 || 32 bytes)>", shared by both key kinds. The
// base64 may itself contain '+', so only the first two '+' split.
struct KeyParts {
  std::string name;
  uint32_t hash = 0;
  std::string key;  // the 32 bytes after the algorithm byte
};

absl::StatusOr<KeyParts> ParseKeyParts(absl::string_view text,
                                       absl::string_view what) {
  KeyParts parts;
  if (text.empty())
    return absl::InvalidArgumentError(absl::StrCat(what, " is empty"));
  const size_t plus1 = text.find('+');
  if (plus1 == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": no '+' after the key name"));
  }
  parts.name = std::string(text.substr(0, plus1));
  HOTLINE_RETURN_IF_ERROR(CheckKeyName(parts.name, what));
  const absl::string_view rest = text.substr(plus1 + 1);
  const size_t plus2 = rest.find('+');
  if (plus2 == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": no '+' after the key hash"));
  }
  if (!ParseHex8(rest.substr(0, plus2), &parts.hash)) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": key hash \"", absl::CHexEscape(rest.substr(0, plus2)),
        "\" is not 8 hex digits"));
  }
  std::string data;
  if (!DecodeBase64(rest.substr(plus2 + 1), &data)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": key data is not standard padded base64"));
  }
  if (data.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": key data is empty"));
  }
  if (static_cast<unsigned char>(data[0]) != kAlgEd25519) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": algorithm byte 0x", absl::BytesToHexString(data.substr(0, 1)),
        " is not 0x01 (Ed25519)"));
  }
  if (data.size() != 1 + kEd25519KeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": Ed25519 key is ", data.size() - 1, " bytes, want 32"));
  }
  parts.key = data.substr(1);
  return parts;
}

absl::Status CheckHashMatches(absl::string_view what, uint32_t claimed,
                              absl::string_view name,
                              absl::string_view public_key) {
  const uint32_t actual = KeyHash(name, public_key);
  if (claimed != actual) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": key hash ", Hex8(claimed),
        " does not match the key, which hashes to ", Hex8(actual)));
  }
  return absl::OkStatus();
}

// A hand-built key must be as consistent as a parsed one: otherwise SignNote
// would emit notes no one can open, or OpenNote would look for a hash no
// signer uses.
absl::Status CheckSignerKey(const SignerKey& key) {
  HOTLINE_RETURN_IF_ERROR(CheckKeyName(key.name, "signer key"));
  if (key.seed.size() != kEd25519KeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signer key: seed is ", key.seed.size(), " bytes, want 32"));
  }
  HOTLINE_ASSIGN_OR_RETURN(std::string pub, PublicKeyOfSeed(key.seed));
  if (pub != key.public_key) {
    return absl::InvalidArgumentError(
        "signer key: public key is not the one derived from the seed");
  }
  return CheckHashMatches("signer key", key.key_hash, key.name, pub);
}

absl::Status CheckVerifierKey(const VerifierKey& key) {
  HOTLINE_RETURN_IF_ERROR(CheckKeyName(key.name, "verifier key"));
  if (key.public_key.size() != kEd25519KeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("verifier key: public key is ", key.public_key.size(),
                     " bytes, want 32"));
  }
  return CheckHashMatches("verifier key", key.key_hash, key.name,
                          key.public_key);
}

// ------------------------------------------------------------------ notes

struct SignatureLine {
  absl::string_view name;
  uint32_t key_hash = 0;
  std::string signature;  // without the key hash
};

// One line of the signature block, without its newline; `n` counts from 1.
absl::StatusOr<SignatureLine> ParseSignatureLine(absl::string_view line,
                                                 size_t n) {
  const std::string what = absl::StrCat("note signature line ", n);
  if (!absl::ConsumePrefix(&line, kSigPrefix)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " does not start with an em dash and a space"));
  }
  const size_t space = line.find(' ');
  if (space == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " has no space between key name and signature"));
  }
  SignatureLine sig;
  sig.name = line.substr(0, space);
  HOTLINE_RETURN_IF_ERROR(CheckKeyName(sig.name, what));
  std::string raw;
  if (!DecodeBase64(line.substr(space + 1), &raw)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": signature is not standard padded base64"));
  }
  // At least the 4-byte key hash and one byte of signature.
  if (raw.size() < 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": signature is ", raw.size(), " bytes, too short to hold one"));
  }
  sig.key_hash = ReadBigEndian32(raw);
  sig.signature = raw.substr(4);
  return sig;
}

}  // namespace

uint32_t KeyHash(absl::string_view name, absl::string_view public_key) {
  return ReadBigEndian32(
      Sha256(absl::StrCat(name, "\n", absl::string_view("\x01", 1), public_key)).substr(0, 4));
}

absl::StatusOr<SignerKey> GenerateSignerKey(absl::string_view name) {
  HOTLINE_RETURN_IF_ERROR(CheckKeyName(name, "signer key"));
  SignerKey key;
  key.name = std::string(name);
  key.seed.resize(kEd25519KeyBytes);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.seed.data()),
                 static_cast<int>(key.seed.size())) != 1) {
    return absl::InternalError("OpenSSL RAND_bytes failed to make a key seed");
  }
  HOTLINE_ASSIGN_OR_RETURN(key.public_key, PublicKeyOfSeed(key.seed));
  key.key_hash = KeyHash(key.name, key.public_key);
  return key;
}

VerifierKey VerifierOf(const SignerKey& key) {
  return VerifierKey{key.name, key.public_key, key.key_hash};
}

std::string FormatSignerKey(const SignerKey& key) {
  return absl::StrCat(kSignerPrefix, key.name, "+", Hex8(key.key_hash), "+",
                      absl::Base64Escape(absl::StrCat("\x01", key.seed)));
}

std::string FormatVerifierKey(const VerifierKey& key) {
  return absl::StrCat(key.name, "+", Hex8(key.key_hash), "+",
                      absl::Base64Escape(absl::StrCat("\x01", key.public_key)));
}

absl::StatusOr<SignerKey> ParseSignerKey(absl::string_view text) {
  text = absl::StripTrailingAsciiWhitespace(text);
  if (!absl::ConsumePrefix(&text, kSignerPrefix)) {
    return absl::InvalidArgumentError(
        "signer key does not start with \"PRIVATE+KEY+\"");
  }
  HOTLINE_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyParts(text, "signer key"));
  SignerKey key;
  key.name = std::move(parts.name);
  key.seed = std::move(parts.key);
  key.key_hash = parts.hash;
  // The hash names the public key, so it can be checked only after deriving it.
  HOTLINE_ASSIGN_OR_RETURN(key.public_key, PublicKeyOfSeed(key.seed));
  HOTLINE_RETURN_IF_ERROR(
      CheckHashMatches("signer key", key.key_hash, key.name, key.public_key));
  return key;
}

absl::StatusOr<VerifierKey> ParseVerifierKey(absl::string_view text) {
  text = absl::StripTrailingAsciiWhitespace(text);
  if (absl::StartsWith(text, kSignerPrefix)) {
    // Say so plainly rather than "key name is PRIVATE": this is a secret.
    return absl::InvalidArgumentError(
        "verifier key starts with \"PRIVATE+KEY+\": that is a signer key");
  }
  HOTLINE_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyParts(text, "verifier key"));
  HOTLINE_RETURN_IF_ERROR(
      CheckHashMatches("verifier key", parts.hash, parts.name, parts.key));
  return VerifierKey{std::move(parts.name), std::move(parts.key), parts.hash};
}

absl::StatusOr<std::string> SignNote(const SignerKey& key,
                                     absl::string_view text) {
  HOTLINE_RETURN_IF_ERROR(CheckSignerKey(key));
  if (text.empty()) return absl::InvalidArgumentError("note text is empty");
  if (text.back() != '\n') {
    return absl::InvalidArgumentError("note text does not end in a newline");
  }
  HOTLINE_RETURN_IF_ERROR(CheckNoteChars(text, "note text"));
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (absl::StartsWith(line, kSigPrefix)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "note text line ", line_number,
          " starts with an em dash and a space, like a signature line"));
    }
  }
  HOTLINE_ASSIGN_OR_RETURN(std::string sig, Ed25519Sign(key.seed, text));
  std::string note = absl::StrCat(
      text, "\n", kSigPrefix, key.name, " ",
      absl::Base64Escape(absl::StrCat(BigEndian32(key.key_hash), sig)), "\n");
  if (note.size() > kMaxNoteBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("signed note would be ", note.size(), " bytes, over the ",
                     kMaxNoteBytes, "-byte limit"));
  }
  return note;
}

absl::StatusOr<std::string> OpenNote(const VerifierKey& key,
                                     absl::string_view note) {
  HOTLINE_RETURN_IF_ERROR(CheckVerifierKey(key));
  if (note.size() > kMaxNoteBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("note is ", note.size(), " bytes, over the ",
                     kMaxNoteBytes, "-byte limit"));
  }
  HOTLINE_RETURN_IF_ERROR(CheckNoteChars(note, "note"));
  // The text may hold blank lines; the last one separates the signatures.
  const size_t split = note.rfind("\n\n");
  if (split == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        "note has no blank line before its signature lines");
  }
  const absl::string_view text = note.substr(0, split + 1);
  absl::string_view block = note.substr(split + 2);
  if (block.empty()) {
    return absl::InvalidArgumentError("note has no signature lines");
  }
  if (block.back() != '\n') {
    return absl::InvalidArgumentError(
        "note's last signature line does not end in a newline");
  }
  block.remove_suffix(1);

  // Check every line before verifying any, so that a malformed note is
  // reported as such whichever key is asked for.
  std::vector<SignatureLine> sigs;
  for (absl::string_view line : absl::StrSplit(block, '\n')) {
    if (sigs.size() == kMaxNoteSignatures) {
      return absl::InvalidArgumentError(absl::StrCat(
          "note has more than ", kMaxNoteSignatures, " signature lines"));
    }
    HOTLINE_ASSIGN_OR_RETURN(SignatureLine sig,
                             ParseSignatureLine(line, sigs.size() + 1));
    sigs.push_back(std::move(sig));
  }

  const std::string key_id = absl::StrCat(key.name, "+", Hex8(key.key_hash));
  bool found = false;
  for (size_t i = 0; i < sigs.size(); ++i) {
    const SignatureLine& sig = sigs[i];
    if (sig.name != key.name || sig.key_hash != key.key_hash) continue;
    found = true;
    // The spec says a known key's signature MUST be verified: every line
    // claiming to be ours is checked, not just the first.
    if (sig.signature.size() != kEd25519SigBytes) {
      return absl::PermissionDeniedError(
          absl::StrCat("signature by ", key_id, " on signature line ", i + 1,
                       " does not verify: it is ", sig.signature.size(),
                       " bytes, an Ed25519 signature is 64"));
    }
    if (!Ed25519Verify(key.public_key, text, sig.signature)) {
      return absl::PermissionDeniedError(
          absl::StrCat("signature by ", key_id, " on signature line ", i + 1,
                       " does not verify against the note text"));
    }
  }
  if (!found) {
    return absl::PermissionDeniedError(
        absl::StrCat("no signature by ", key_id));
  }
  return std::string(text);
}

// ------------------------------------------------------------ checkpoints

std::string FormatCheckpointText(const TreeHead& head) {
  return absl::StrCat(head.origin, "\n", head.size, "\n",
                      absl::Base64Escape(head.root_hash), "\n");
}

absl::StatusOr<TreeHead> ParseCheckpointText(absl::string_view text) {
  if (text.empty())
    return absl::InvalidArgumentError("checkpoint text is empty");
  if (text.back() != '\n') {
    return absl::InvalidArgumentError(
        "checkpoint text does not end in a newline");
  }
  text.remove_suffix(1);
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (lines.size() < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint text has ", lines.size(),
                     " lines, want at least 3 (origin, tree size, root hash)"));
  }
  static constexpr absl::string_view kRole[] = {"origin", "tree size",
                                                "root hash"};
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string what = absl::StrCat("checkpoint line ", i + 1, " (",
                                          i < 3 ? kRole[i] : "extension", ")");
    if (lines[i].empty())
      return absl::InvalidArgumentError(absl::StrCat(what, " is empty"));
    HOTLINE_RETURN_IF_ERROR(CheckNoteChars(lines[i], what));
  }

  TreeHead head;
  head.origin = std::string(lines[0]);

  const absl::string_view size = lines[1];
  if (size.size() > 1 && size[0] == '0') {
    return absl::InvalidArgumentError(
        "checkpoint line 2 (tree size) has a leading zero");
  }
  for (char c : size) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(
          absl::StrCat("checkpoint line 2 (tree size) \"",
                       absl::CHexEscape(size), "\" is not a decimal number"));
    }
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (head.size > (UINT64_MAX - digit) / 10) {
      return absl::InvalidArgumentError(
          "checkpoint line 2 (tree size) does not fit in 64 bits");
    }
    head.size = head.size * 10 + digit;
  }

  if (!DecodeBase64(lines[2], &head.root_hash)) {
    return absl::InvalidArgumentError(
        "checkpoint line 3 (root hash) is not standard padded base64");
  }
  if (head.root_hash.size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint line 3 (root hash) is ", head.root_hash.size(),
                     " bytes, want 32"));
  }
  return head;
}

}  // namespace hotline::store
