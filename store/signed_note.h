#ifndef HOTLINE_STORE_SIGNED_NOTE_H_
#define HOTLINE_STORE_SIGNED_NOTE_H_

// Ed25519 signed notes (c2sp.org/signed-note) and the checkpoint text they
// carry for a transparency log (c2sp.org/tlog-checkpoint). The formats are
// those of Go's golang.org/x/mod/sumdb/note, so notes and keys made here are
// read by that package and by other C2SP tools, and the other way round.
//
// A signed note is
//
//   <text, ending in "\n">
//   <blank line>
//   — <key name> <base64(4-byte key hash, big-endian || signature)>
//   ...more signature lines
//
// where the signature line begins with an em dash (U+2014) and a space, and
// the signature covers the text bytes exactly (final newline included, blank
// line excluded). A key is named by <key name> and identified by its key
// hash: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key).
//
// Key names are non-empty UTF-8 without '+', Unicode spaces or control
// characters. Errors are INVALID_ARGUMENT for malformed input and
// PERMISSION_DENIED when a well-formed note is not signed by the key asked
// for; each message names the part that is wrong. Nothing here throws.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hotline::store {

// The private half of a key: whoever has it can sign as `name`.
struct SignerKey {
  std::string name;
  std::string seed;        // 32-byte Ed25519 private key seed (RFC 8032)
  std::string public_key;  // 32-byte Ed25519 public key derived from seed
  uint32_t key_hash = 0;   // see KeyHash
};

// The public half, given to verifiers.
struct VerifierKey {
  std::string name;
  std::string public_key;  // 32 bytes
  uint32_t key_hash = 0;
};

// First 4 bytes, big-endian, of SHA-256(name || 0x0A || 0x01 || public_key).
uint32_t KeyHash(absl::string_view name, absl::string_view public_key);

// A new random key named `name` (seed from the OpenSSL CSPRNG).
// INVALID_ARGUMENT if the name is not a valid key name; INTERNAL if OpenSSL
// fails.
absl::StatusOr<SignerKey> GenerateSignerKey(absl::string_view name);

// The public half of `key`.
VerifierKey VerifierOf(const SignerKey& key);

// "PRIVATE+KEY+<name>+<8 lowercase hex key hash>+<base64(0x01 || seed)>".
// The result is a secret.
std::string FormatSignerKey(const SignerKey& key);

// "<name>+<8 lowercase hex key hash>+<base64(0x01 || public key)>".
std::string FormatVerifierKey(const VerifierKey& key);

// Parse the texts made by FormatSignerKey and FormatVerifierKey (or by Go's
// note.GenerateKey). Trailing whitespace, such as the newline of a key file,
// is ignored. INVALID_ARGUMENT naming the part at fault: the "PRIVATE+KEY+"
// prefix, the name, the key hash (8 hex digits), the base64 key data, its
// algorithm byte (only 0x01, Ed25519), its length, or a key hash that does not
// match the key.
absl::StatusOr<SignerKey> ParseSignerKey(absl::string_view text);
absl::StatusOr<VerifierKey> ParseVerifierKey(absl::string_view text);

// Largest note OpenNote accepts, and most signature lines in it.
inline constexpr size_t kMaxNoteBytes = 1 << 20;
inline constexpr size_t kMaxNoteSignatures = 100;

// The note `text` signed by `key`: text + "\n" + one signature line.
// INVALID_ARGUMENT unless `text` is non-empty valid UTF-8 ending in "\n",
// has no control characters other than "\n", has no line starting with the
// signature prefix "— ", and the note fits in kMaxNoteBytes; or if `key` is
// not a consistent key (as ParseSignerKey would return).
absl::StatusOr<std::string> SignNote(const SignerKey& key,
                                     absl::string_view text);

// The text of `note` if `key` signed it. The whole note must be well formed
// (at most kMaxNoteBytes, valid UTF-8, no control characters but "\n", a
// blank line before 1 to kMaxNoteSignatures well-formed signature lines);
// otherwise INVALID_ARGUMENT. Signatures by other keys (another name or key
// hash) are ignored. PERMISSION_DENIED if no signature line carries the name
// and key hash of `key`, or if any that does fails to verify.
// INVALID_ARGUMENT if `key` is not a consistent key.
absl::StatusOr<std::string> OpenNote(const VerifierKey& key,
                                     absl::string_view note);

// A transparency log's tree head: the body of a checkpoint note.
struct TreeHead {
  std::string origin;     // the log's identity, e.g. "example.com/log"
  uint64_t size = 0;      // number of leaves
  std::string root_hash;  // 32-byte RFC 6962 Merkle tree root
};

// "<origin>\n<size in decimal>\n<base64 root hash>\n". The origin must be
// non-empty with no control characters and root_hash 32 bytes, or the text
// will not parse.
std::string FormatCheckpointText(const TreeHead& head);

// Parses checkpoint text: at least three newline-terminated lines, the
// origin (non-empty, valid UTF-8, no control characters), the tree size
// (decimal, no leading zeros but "0" itself, fits in 64 bits) and the root
// hash (base64 of exactly 32 bytes). Any further lines are extension lines,
// which must be non-empty and are otherwise ignored. INVALID_ARGUMENT naming
// the line at fault.
absl::StatusOr<TreeHead> ParseCheckpointText(absl::string_view text);

}  // namespace hotline::store

#endif  // HOTLINE_STORE_SIGNED_NOTE_H_
